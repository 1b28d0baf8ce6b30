//! Exporting the sessions list as CSV and JSON: one record per session with
//! its name, id, last activity (ISO 8601, UTC), IP address, verification,
//! application and flags. Nothing leaves the browser but the download.

use serde_json::{Value, json};

use crate::model::sessions::SessionRow;
use crate::model::trust::Trust;

/// The columns, in order (also the JSON field names).
pub const COLUMNS: [&str; 11] = [
    "name",
    "session_id",
    "last_activity",
    "ip_address",
    "verification",
    "application",
    "application_url",
    "current",
    "inactive",
    "new",
    "device_type",
];

fn verification(trust: Trust) -> &'static str {
    match trust {
        Trust::Verified => "verified",
        Trust::Unverified => "unverified",
        Trust::NoEncryption => "no_encryption",
        Trust::Unknown => "unknown",
    }
}

/// Milliseconds since the epoch as `2026-12-02T07:32:56.000Z`.
pub fn iso8601_utc(ms: i64) -> String {
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Days since 1970-01-01 to a civil date (proleptic Gregorian).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m, s, milli) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60, ms_of_day / 1000 % 60, ms_of_day % 1000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

fn record(row: &SessionRow) -> Value {
    let app = row.client_info.as_ref();
    let application = app.and_then(|a| match (&a.name, &a.version) {
        (Some(n), Some(v)) => Some(format!("{n} {v}")),
        (Some(n), None) => Some(n.clone()),
        _ => None,
    });
    json!({
        "name": row.name(),
        "session_id": row.id(),
        "last_activity": row.device.last_seen_ts.map(iso8601_utc),
        "ip_address": row.device.last_seen_ip,
        "verification": verification(row.trust),
        "application": application,
        "application_url": app.and_then(|a| a.url.clone()),
        "current": row.is_current,
        "inactive": row.is_inactive,
        "new": row.is_new,
        "device_type": crate::model::device_type::of_row(row).as_str(),
    })
}

/// The list as a JSON array of records.
pub fn to_json(rows: &[SessionRow]) -> String {
    let records: Vec<Value> = rows.iter().map(record).collect();
    serde_json::to_string_pretty(&records).unwrap_or_else(|_| "[]".into())
}

/// One CSV field (RFC 4180). A field that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab, CR at the start) gets a leading `'`:
/// session names are chosen by whoever signed in, possibly an attacker.
fn csv_field(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text };
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

/// The list as CSV with a header line, CRLF line ends.
pub fn to_csv(rows: &[SessionRow]) -> String {
    let mut out = COLUMNS.join(",");
    out.push_str("\r\n");
    for row in rows {
        let record = record(row);
        let line: Vec<String> = COLUMNS.iter().map(|c| csv_field(&record[*c])).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Device;
    use crate::model::account_data::ClientInfo;

    fn rows() -> Vec<SessionRow> {
        vec![
            SessionRow {
                device: Device {
                    device_id: "PHONE".into(),
                    display_name: Some("Pixel, \"work\"".into()),
                    last_seen_ts: Some(1_764_660_776_000),
                    last_seen_ip: Some("198.51.100.7".into()),
                },
                client_info: Some(ClientInfo {
                    name: Some("Element".into()),
                    version: Some("1.11".into()),
                    url: Some("https://app.element.io".into()),
                }),
                trust: Trust::Verified,
                ..Default::default()
            },
            SessionRow {
                device: Device {
                    device_id: "BOT".into(),
                    display_name: Some("=HYPERLINK(\"x\")".into()),
                    ..Default::default()
                },
                is_inactive: true,
                is_new: true,
                ..Default::default()
            },
        ]
    }

    #[test]
    fn dates_are_iso_8601_in_utc() {
        assert_eq!(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_utc(1_764_660_776_123), "2025-12-02T07:32:56.123Z");
        assert_eq!(iso8601_utc(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(iso8601_utc(-1), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn json_holds_every_field() {
        let parsed: Value = serde_json::from_str(&to_json(&rows())).unwrap();
        assert_eq!(parsed[0]["name"], "Pixel, \"work\"");
        assert_eq!(parsed[0]["last_activity"], "2025-12-02T07:32:56.000Z");
        assert_eq!(parsed[0]["verification"], "verified");
        assert_eq!(parsed[0]["application"], "Element 1.11");
        assert_eq!(parsed[1]["last_activity"], Value::Null);
        assert_eq!(parsed[1]["inactive"], true);
        assert_eq!((&parsed[0]["new"], &parsed[1]["new"]), (&Value::Bool(false), &Value::Bool(true)));
        assert_eq!(parsed[0]["device_type"], "web");
        assert_eq!(parsed[1]["verification"], "no_encryption");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let csv = to_csv(&rows());
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], COLUMNS.join(","));
        assert_eq!(
            lines[1],
            "\"Pixel, \"\"work\"\"\",PHONE,2025-12-02T07:32:56.000Z,198.51.100.7,verified,Element 1.11,https://app.element.io,false,false,false,web"
        );
        assert_eq!(lines[2], "\"'=HYPERLINK(\"\"x\"\")\",BOT,,,no_encryption,,,false,true,true,unknown");
        assert_eq!(lines.len(), 4, "a CRLF after every record");
    }
}
