// The benchmark's reference page: the account's sessions and each one's
// verification, written the mainstream way — React and matrix-js-sdk with
// its Rust crypto, following the sdk's README (createClient, initRustCrypto
// with the browser's IndexedDB, startClient) and its CryptoApi docs.
//
// The sign-in is stored in localStorage under "reference:login" as
// { homeserver, user_id, device_id, access_token }. Marks for the benchmark:
// "ref:listed" when the list is on screen, "ref:verified" when every
// session's verification is on screen too (and, on the way,
// "ref:keys-fetched" and "ref:statuses" for a breakdown).
import React, { useEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { createClient } from "matrix-js-sdk";
import { CryptoEvent } from "matrix-js-sdk/lib/crypto-api/index.js";

const LOGIN_KEY = "reference:login";

function SessionList({ client }) {
  const userId = client.getSafeUserId();
  const [devices, setDevices] = useState(null);
  const [verified, setVerified] = useState(null);
  const [error, setError] = useState(null);
  const listed = useRef(null);

  useEffect(() => {
    let cancelled = false;
    const crypto = client.getCrypto();

    // Verification of every session of this account, from the crypto store.
    // `signedByOwner`: the session's keys carry a valid signature by the
    // account's self-signing key (itself signed by the master key).
    // `crossSigningVerified` additionally needs *this* session to trust the
    // master key, which a session that has not been verified never does.
    async function loadVerification(ids) {
      const statuses = await Promise.all(ids.map((id) => crypto.getDeviceVerificationStatus(userId, id)));
      return Object.fromEntries(
        ids.map((id, i) => [id, { signedByOwner: !!statuses[i]?.signedByOwner, crossSigningVerified: !!statuses[i]?.crossSigningVerified, hasKeys: statuses[i] !== null }]),
      );
    }

    async function load() {
      const { devices } = await client.getDevices();
      if (cancelled) return;
      devices.sort((a, b) => (b.last_seen_ts ?? 0) - (a.last_seen_ts ?? 0));
      listed.current = devices;
      setDevices(devices);
      // For our own user this makes a /keys/query, so that the crypto
      // store's cross-signing keys and device keys are up to date
      // (CryptoApi.userHasCrossSigningKeys). getUserDeviceInfo would not:
      // it returns the stored devices of a tracked user, waiting at most a
      // second for a query under way, and a returning visit's first sync
      // (no sync token kept) reports no device-list changes.
      await crypto.userHasCrossSigningKeys(userId);
      performance.mark("ref:keys-fetched");
      const result = await loadVerification(devices.map((d) => d.device_id));
      performance.mark("ref:statuses");
      if (cancelled) return;
      setVerified(result);
      // From now on, keep the answers current when the crypto learns of
      // changes to this account's devices.
      client.on(CryptoEvent.DevicesUpdated, onDevicesUpdated);
    }
    const onDevicesUpdated = (users) => {
      if (!users.includes(userId) || !listed.current) return;
      loadVerification(listed.current.map((d) => d.device_id))
        .then((r) => !cancelled && setVerified(r))
        .catch((e) => console.error(e));
    };
    load().catch((e) => {
      console.error(e);
      if (!cancelled) setError(String(e?.message ?? e));
    });
    return () => {
      cancelled = true;
      client.off(CryptoEvent.DevicesUpdated, onDevicesUpdated);
    };
  }, [client, userId]);

  useEffect(() => {
    if (devices && !performance.getEntriesByName("ref:listed").length) performance.mark("ref:listed");
  }, [devices]);
  useEffect(() => {
    if (devices && verified && !performance.getEntriesByName("ref:verified").length) performance.mark("ref:verified");
  }, [devices, verified]);

  if (error) return <p role="alert">Could not load the sessions: {error}</p>;
  if (!devices) return <p>Loading sessions…</p>;
  return (
    <>
      <h1>Sessions ({devices.length})</h1>
      <ul id="sessions">
        {devices.map((d) => {
          const v = verified?.[d.device_id];
          const state = !v ? "pending" : v.signedByOwner ? "verified" : "unverified";
          return (
            <li key={d.device_id} data-device-id={d.device_id} data-verification={state} data-cross-signing-verified={v ? String(v.crossSigningVerified) : undefined}>
              <strong>{d.display_name || d.device_id}</strong> <code>{d.device_id}</code>{" "}
              {d.device_id === client.getDeviceId() ? "(this session) " : ""}
              <span>{state === "pending" ? "Checking…" : state === "verified" ? "Verified" : "Unverified"}</span>
            </li>
          );
        })}
      </ul>
    </>
  );
}

async function main() {
  const root = createRoot(document.getElementById("root"));
  const stored = localStorage.getItem(LOGIN_KEY);
  if (!stored) {
    root.render(<p>Not signed in.</p>);
    return;
  }
  const login = JSON.parse(stored);
  const client = createClient({
    baseUrl: login.homeserver,
    accessToken: login.access_token,
    userId: login.user_id,
    deviceId: login.device_id,
  });
  await client.initRustCrypto();
  await client.startClient({ initialSyncLimit: 10 });
  root.render(<SessionList client={client} />);
}

main().catch((e) => {
  console.error(e);
  document.getElementById("root").textContent = `Failed to start: ${e?.message ?? e}`;
});
