//! Component tests: each leaf component mounted alone in headless Chromium
//! (Debian's, through chromedriver), fed plain data and recording callbacks,
//! then checked through what a user would see and what assistive technology
//! reads. `scripts/test.sh` runs them with
//! `cargo test --target wasm32-unknown-unknown --test components`.
#![cfg(target_arch = "wasm32")]

use std::sync::{Arc, Mutex};

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

use std::collections::{HashMap, HashSet};

use matrix_sessions::api::ApiError;
use matrix_sessions::api::types::Device;
use matrix_sessions::components::account_notices::AccountNotices;
use matrix_sessions::components::button::{Button, ButtonStyle};
use matrix_sessions::components::clean_up_dialog::CleanUpDialog;
use matrix_sessions::components::confirm_dialog::ConfirmDialog;
use matrix_sessions::components::current_session::CurrentSession;
use matrix_sessions::components::device_details::{DeviceDetails, RowActions};
use matrix_sessions::components::device_heading::DeviceHeading;
use matrix_sessions::components::device_tile::{DeviceTile, TileSelection};
use matrix_sessions::components::error_banner::ErrorBanner;
use matrix_sessions::components::login_form::LoginForm;
use matrix_sessions::components::modal::Modal;
use matrix_sessions::components::options_menu::{MenuItem, OptionsMenu};
use matrix_sessions::components::other_sessions::OtherSessions;
use matrix_sessions::components::rename_editor::RenameEditor;
use matrix_sessions::components::sas_dialog::SasDialog;
use matrix_sessions::components::security_recommendations::SecurityRecommendations;
use matrix_sessions::components::selection_bar::SelectionBar;
use matrix_sessions::components::session_filter::{FilterCard, FilterMenu, NoSessions};
use matrix_sessions::components::session_list::{FIRST_PAINT, PAGE_SIZE, SessionList};
use matrix_sessions::components::session_search::{ExportFormat, SessionSearch};
use matrix_sessions::components::session_watch::{NewSessionsNotice, SignedOutSessions};
use matrix_sessions::components::sign_out_dialog::SignOutDialog;
use matrix_sessions::components::spinner::Spinner;
use matrix_sessions::components::sso_buttons::{SsoButtons, SsoChoice};
use matrix_sessions::components::this_browser::ThisBrowser;
use matrix_sessions::components::unlock_dialog::{UnlockDialog, UnlockWith};
use matrix_sessions::components::verification_card::VerificationCard;
use matrix_sessions::components::verification_request::VerificationRequest;
use matrix_sessions::components::verify_panel::{VerifyActions, VerifyPanel};
use matrix_sessions::model::account_data::ClientInfo;
use matrix_sessions::model::account_management::ManagedAt;
use matrix_sessions::model::edits::{PushFailure, PushStatus, RenameStatus};
use matrix_sessions::model::filters::{Recommendations, SessionFilter};
use matrix_sessions::model::pin::IdentityPin;
use matrix_sessions::model::push::{PushTarget, PushToggle};
use matrix_sessions::model::search::SortOrder;
use matrix_sessions::model::seen::Gone;
use matrix_sessions::model::sessions::SessionRow;
use matrix_sessions::model::sign_out::{SignOutPhase, SignOutProblem};
use matrix_sessions::model::trust::{CrossSigning, IdentityCheck, Trust};
use matrix_sessions::model::verification::{IncomingRequest, SasChoice, SasEnd, SasView, VerifyOffer};

wasm_bindgen_test_configure!(run_in_browser);

/// A component mounted into a fresh element of the page; unmounted on drop.
struct Mounted {
    root: web_sys::HtmlElement,
    _handle: Box<dyn std::any::Any>,
}

impl Mounted {
    fn new<N: IntoView + 'static>(view: impl FnOnce() -> N + 'static) -> Self {
        // English with the verification module's texts, as its dialogs speak.
        matrix_sessions::web::i18n::activate_texts(
            "en",
            Ok(Default::default()),
            include_str!("../src/verifier/en.json"),
        );
        let document = web_sys::window().unwrap().document().unwrap();
        let root: web_sys::HtmlElement = document.create_element("section").unwrap().unchecked_into();
        document.body().unwrap().append_child(&root).unwrap();
        let handle = leptos::mount::mount_to(root.clone(), view);
        Mounted { root, _handle: Box::new(handle) }
    }

    fn find(&self, selector: &str) -> Option<web_sys::HtmlElement> {
        self.root.query_selector(selector).unwrap().map(|e| e.unchecked_into())
    }

    fn get(&self, selector: &str) -> web_sys::HtmlElement {
        self.find(selector).unwrap_or_else(|| panic!("no element {selector} in {}", self.root.inner_html()))
    }

    fn testid(&self, id: &str) -> web_sys::HtmlElement {
        self.get(&format!("[data-testid=\"{id}\"]"))
    }

    fn has_testid(&self, id: &str) -> bool {
        self.find(&format!("[data-testid=\"{id}\"]")).is_some()
    }

    fn text(&self) -> String {
        self.root.text_content().unwrap_or_default()
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.root.remove();
    }
}

/// Records the calls of a callback.
#[derive(Clone)]
struct Calls<T>(Arc<Mutex<Vec<T>>>);

impl<T> Default for Calls<T> {
    fn default() -> Self {
        Calls(Arc::default())
    }
}

impl<T: Clone + Send + Sync + 'static> Calls<T> {
    fn callback(&self) -> Callback<T> {
        let calls = self.0.clone();
        Callback::new(move |v: T| calls.lock().unwrap().push(v))
    }

    fn count(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    fn last(&self) -> Option<T> {
        self.0.lock().unwrap().last().cloned()
    }
}

async fn settle() {
    leptos::task::tick().await;
}

/// Waits for the next animation frame after pending effects ran (focus
/// moves happen there).
async fn frame() {
    settle().await;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().request_animation_frame(&resolve).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
    settle().await;
}

fn focused_testid() -> Option<String> {
    let active = web_sys::window()?.document()?.active_element()?;
    active.get_attribute("data-testid")
}

fn set_input(input: &web_sys::HtmlElement, value: &str) {
    input.unchecked_ref::<web_sys::HtmlInputElement>().set_value(value);
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
}

fn key(target: &web_sys::HtmlElement, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&event).unwrap();
}

fn submit(form: &web_sys::HtmlElement) {
    let form = form.closest("form").unwrap().unwrap();
    form.unchecked_ref::<web_sys::HtmlFormElement>().request_submit().unwrap();
}

fn row(id: &str, name: Option<&str>, trust: Trust) -> SessionRow {
    SessionRow {
        device: Device {
            device_id: id.into(),
            display_name: name.map(Into::into),
            last_seen_ip: Some("198.51.100.23".into()),
            last_seen_ts: Some(js_sys::Date::now() as i64 - 60_000),
        },
        trust,
        ..SessionRow::default()
    }
}

/// A row's actions whose callbacks are recorded.
struct FakeActions {
    actions: RowActions,
    renames: Calls<String>,
    toggles: Calls<bool>,
    sign_outs: Calls<()>,
    rename_status: RwSignal<RenameStatus>,
    renamed: RwSignal<usize>,
    push_status: RwSignal<PushStatus>,
    managed_at: RwSignal<ManagedAt>,
}

fn fake_actions() -> FakeActions {
    let (renames, toggles, sign_outs) = (Calls::default(), Calls::default(), Calls::default());
    let rename_status = RwSignal::new(RenameStatus::Idle);
    let renamed = RwSignal::new(0);
    let push_status = RwSignal::new(PushStatus::default());
    let managed_at = RwSignal::new(ManagedAt::Here);
    let actions = RowActions {
        rename_status: rename_status.into(),
        renames: renamed.into(),
        on_rename: renames.callback(),
        push_status: push_status.into(),
        on_push_toggle: toggles.callback(),
        is_signing_out: Signal::stored(false),
        on_sign_out: sign_outs.callback(),
        managed_at: managed_at.into(),
        verify: VerifyActions {
            offer: Signal::stored(VerifyOffer::Nothing),
            is_unlocked: Signal::stored(false),
            is_pending: Signal::stored(false),
            problem: Signal::stored(None),
            on_unlock: Callback::new(|_| ()),
            on_verify: Callback::new(|_| ()),
            on_lock: Callback::new(|_| ()),
        },
    };
    FakeActions { actions, renames, toggles, sign_outs, rename_status, renamed, push_status, managed_at }
}

// ---- Button ----

#[wasm_bindgen_test]
async fn a_button_runs_its_callback_and_is_busy_while_pending() {
    let clicks = Calls::<()>::default();
    let pending = RwSignal::new(false);
    let on_click = clicks.callback();
    let m = Mounted::new(move || {
        view! { <Button style=ButtonStyle::Danger testid="b" is_pending=pending on_click=on_click>"Sign out"</Button> }
    });
    let button = m.testid("b");
    assert_eq!(button.text_content().unwrap(), "Sign out");
    assert!(button.class_name().contains("sm-button--danger"));
    assert_eq!(button.get_attribute("type").as_deref(), Some("button"));
    button.click();
    assert_eq!(clicks.count(), 1);
    pending.set(true);
    settle().await;
    assert!(button.has_attribute("disabled"));
    assert_eq!(button.get_attribute("aria-busy").as_deref(), Some("true"));
    assert!(m.find(".sm-spinner").is_some());
    button.click();
    assert_eq!(clicks.count(), 1, "a busy button does nothing");
}

// ---- Spinner, ErrorBanner ----

#[wasm_bindgen_test]
fn a_spinner_is_named_for_screen_readers() {
    let m = Mounted::new(|| view! { <Spinner label="Loading sessions" large=true/> });
    let spinner = m.get("[role=status]");
    assert_eq!(spinner.get_attribute("aria-label").as_deref(), Some("Loading sessions"));
    assert!(spinner.class_name().contains("sm-spinner--large"));
}

#[wasm_bindgen_test]
async fn an_error_banner_counts_down_and_retries_on_request() {
    let retries = Calls::<()>::default();
    let on_retry = retries.callback();
    let retry_in = RwSignal::new(Some(4u32));
    let retrying = RwSignal::new(false);
    let m = Mounted::new(move || {
        view! { <ErrorBanner message="Couldn't load your sessions." is_retrying=retrying retry_in=retry_in on_retry=on_retry/> }
    });
    let banner = m.testid("load-error");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(m.text().contains("Couldn't load your sessions."));
    assert_eq!(m.testid("load-retry-countdown").text_content().unwrap(), "Trying again in 4 seconds.");
    m.testid("load-retry").click();
    assert_eq!(retries.count(), 1);
    retrying.set(true);
    settle().await;
    assert!(m.testid("load-retry").has_attribute("disabled"));
    assert_eq!(m.testid("load-retry-countdown").text_content().unwrap(), "Trying again…");
}

// ---- VerificationCard, AccountNotices ----

#[wasm_bindgen_test]
async fn the_verification_card_says_what_the_state_means() {
    let trust = RwSignal::new(Trust::Verified);
    let m = Mounted::new(move || view! { <VerificationCard trust=trust is_current=false/> });
    let card = m.testid("device-verification-card");
    assert!(card.class_name().contains("card--verified"));
    assert!(m.text().contains("This session is ready for secure messaging."));
    trust.set(Trust::NoEncryption);
    settle().await;
    assert!(card.class_name().contains("card--neutral"));
    assert!(m.text().contains("No encryption"));
}

#[wasm_bindgen_test]
async fn a_replaced_identity_is_an_alert_with_accept() {
    let accepts = Calls::<()>::default();
    let on_accept = accepts.callback();
    let identity = RwSignal::new(Some(IdentityCheck::Same));
    let chain = RwSignal::new(Some(CrossSigning::NotSetUp));
    let m = Mounted::new(move || {
        view! {
            <AccountNotices ignored_sign_in_link=true pinned_now=true identity=identity chain=chain on_accept_identity=on_accept/>
        }
    });
    assert!(m.has_testid("sso-link-ignored"));
    assert!(m.testid("identity-first-seen").text_content().unwrap().contains("trust on first use"));
    assert!(m.has_testid("cross-signing-missing"));
    assert!(!m.has_testid("identity-changed-warning"));
    identity.set(Some(IdentityCheck::Changed { previous: "A".into(), current: "B".into() }));
    chain.set(Some(CrossSigning::Broken { master_key: "B".into() }));
    settle().await;
    assert_eq!(m.testid("identity-changed-warning").get_attribute("role").as_deref(), Some("alert"));
    assert_eq!(m.testid("cross-signing-broken").get_attribute("role").as_deref(), Some("alert"));
    m.testid("identity-accept").click();
    assert_eq!(accepts.count(), 1);
}

// ---- SecurityRecommendations ----

#[wasm_bindgen_test]
async fn recommendations_count_and_filter() {
    let views = Calls::<SessionFilter>::default();
    let on_view = views.callback();
    let counts = RwSignal::new(Recommendations { unverified: 2, inactive: 0 });
    let m = Mounted::new(move || view! { <SecurityRecommendations counts=counts inactive_days=90 on_view=on_view/> });
    assert_eq!(m.testid("unverified-devices-cta").text_content().unwrap(), "View all (2)");
    assert!(!m.has_testid("inactive-devices-cta"));
    m.testid("unverified-devices-cta").click();
    assert_eq!(views.last(), Some(SessionFilter::Unverified));
    counts.set(Recommendations::default());
    settle().await;
    assert!(!m.has_testid("security-recommendations-section"));
}

// ---- DeviceTile ----

#[wasm_bindgen_test]
async fn a_tile_shows_its_session_and_selects_and_expands() {
    let toggles = Calls::<()>::default();
    let selects = Calls::<()>::default();
    let (on_toggle, on_select) = (toggles.callback(), selects.callback());
    let selected = RwSignal::new(false);
    let expanded = RwSignal::new(false);
    let m = Mounted::new(move || {
        view! {
            <DeviceTile
                row=row("PHONE", Some("Pixel 8"), Trust::Unverified)
                is_expanded=expanded
                on_toggle=on_toggle
                toggle_testid="toggle"
                selection=Some(TileSelection { is_selected: selected.into(), on_toggle: on_select })
                inactive_days=90
            />
        }
    });
    assert_eq!(m.get("h4").text_content().unwrap(), "Pixel 8");
    assert_eq!(m.testid("device-metadata-isVerified").text_content().unwrap(), "Unverified");
    assert_eq!(m.testid("device-metadata-lastSeenIp").text_content().unwrap(), "198.51.100.23");
    assert_eq!(m.testid("device-metadata-deviceId").text_content().unwrap(), "PHONE");
    // "Pixel 8" says nothing of its type: the neutral icon, named so.
    let icon = m.testid("device-type-icon");
    assert_eq!(icon.get_attribute("aria-label").as_deref(), Some("Unknown session type"));
    assert!(!m.has_testid("device-new-badge"));
    let badge = m.testid("device-badge");
    assert_eq!(badge.get_attribute("role").as_deref(), Some("img"));
    assert_eq!(badge.get_attribute("aria-label").as_deref(), Some("Unverified"));
    let checkbox = m.testid("device-tile-checkbox-PHONE");
    assert_eq!(checkbox.get_attribute("aria-label").as_deref(), Some("Select Pixel 8"));
    checkbox.click();
    assert_eq!(selects.count(), 1);
    let toggle = m.testid("toggle");
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("false"));
    assert_eq!(toggle.get_attribute("aria-label").as_deref(), Some("Show details of Pixel 8"));
    toggle.click();
    assert_eq!(toggles.count(), 1);
    expanded.set(true);
    settle().await;
    assert_eq!(toggle.get_attribute("aria-expanded").as_deref(), Some("true"));
}

#[wasm_bindgen_test]
fn an_inactive_tile_says_so_instead_of_its_activity() {
    let mut inactive = row("OLD", Some("Element Android"), Trust::NoEncryption);
    inactive.device.display_name = None;
    inactive.client_info = Some(ClientInfo { name: Some("Element Android".into()), version: None, url: None });
    inactive.is_inactive = true;
    inactive.is_new = true;
    let m = Mounted::new(move || {
        view! { <DeviceTile row=inactive is_expanded=false on_toggle=Callback::new(|_| ()) toggle_testid="t" inactive_days=90/> }
    });
    // Without a display name the id is the name.
    assert_eq!(m.get("h4").text_content().unwrap(), "OLD");
    assert!(m.testid("device-metadata-inactive").text_content().unwrap().starts_with("Inactive for 90+ days"));
    assert_eq!(m.testid("device-type-icon").get_attribute("aria-label").as_deref(), Some("Mobile session"));
    assert_eq!(m.testid("device-new-badge").text_content().as_deref(), Some("New"));
    assert!(!m.has_testid("device-metadata-lastActivity"));
    assert!(!m.has_testid("device-tile-checkbox-OLD"));
}

// ---- RenameEditor, DeviceHeading ----

#[wasm_bindgen_test]
async fn the_editor_counts_refuses_too_long_names_and_sends_changed_ones() {
    let saves = Calls::<String>::default();
    let cancels = Calls::<()>::default();
    let (on_save, on_cancel) = (saves.callback(), cancels.callback());
    let status = RwSignal::new(RenameStatus::Idle);
    let m = Mounted::new(move || {
        view! { <RenameEditor initial="Pixel".to_string() status=status on_save=on_save on_cancel=on_cancel device_id="P".to_string()/> }
    });
    let input = m.testid("device-rename-input");
    assert_eq!(m.testid("device-rename-count").text_content().unwrap(), "5/100");
    // Unchanged: nothing is sent, the editor closes.
    submit(&input);
    settle().await;
    assert_eq!((saves.count(), cancels.count()), (0, 1));
    set_input(&input, &"x".repeat(101));
    settle().await;
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    submit(&input);
    settle().await;
    assert_eq!(saves.count(), 0);
    assert!(m.testid("device-rename-error").text_content().unwrap().contains("101"));
    set_input(&input, "Work phone");
    submit(&input);
    settle().await;
    assert_eq!(saves.last().as_deref(), Some("Work phone"));
    status.set(RenameStatus::Failed(ApiError::Timeout(15)));
    settle().await;
    assert!(m.testid("device-rename-error").text_content().unwrap().contains("didn't answer within 15 seconds"));
    assert_eq!(input.unchecked_ref::<web_sys::HtmlInputElement>().value(), "Work phone");
    key(&input, "Escape");
    assert_eq!(cancels.count(), 2);
}

#[wasm_bindgen_test]
async fn the_heading_closes_its_editor_after_a_save_it_sent() {
    let fake = fake_actions();
    let a = fake.actions;
    let m = Mounted::new(move || {
        view! {
            <DeviceHeading
                name="Pixel 8"
                display_name="Pixel 8"
                status=a.rename_status
                renames=a.renames
                on_rename=a.on_rename
                device_id="PHONE".to_string()
            />
        }
    });
    // An earlier successful rename does not close a new editor.
    fake.rename_status.set(RenameStatus::Saved);
    fake.renamed.set(1);
    m.testid("device-heading-rename-cta").click();
    settle().await;
    let input = m.testid("device-rename-input");
    set_input(&input, "Kitchen tablet");
    submit(&input);
    settle().await;
    assert_eq!(fake.renames.last().as_deref(), Some("Kitchen tablet"));
    assert!(m.has_testid("device-rename-input"));
    fake.rename_status.set(RenameStatus::Saving);
    settle().await;
    assert!(m.testid("device-rename-submit-cta").has_attribute("disabled"));
    fake.rename_status.set(RenameStatus::Saved);
    fake.renamed.set(2);
    settle().await;
    assert!(!m.has_testid("device-rename-input"));
    frame().await;
    assert_eq!(focused_testid().as_deref(), Some("device-heading-rename-cta"));
}

// ---- DeviceDetails ----

#[wasm_bindgen_test]
async fn details_show_facts_push_and_sign_out() {
    let fake = fake_actions();
    let a = fake.actions;
    let mut r = row("PHONE", Some("Pixel 8"), Trust::Verified);
    r.client_info = Some(ClientInfo {
        name: Some("Element".into()),
        version: Some("1.11".into()),
        url: Some("javascript:alert(1)".into()),
    });
    r.push = Some(PushToggle { is_on: true, unsupported: false, target: PushTarget::LocalSettings });
    let m = Mounted::new(move || view! { <DeviceDetails row=r actions=a/> });
    assert!(m.testid("device-detail-metadata-session").text_content().unwrap().contains("PHONE"));
    let app = m.testid("device-detail-metadata-application");
    assert!(app.text_content().unwrap().contains("Element"));
    // A URL that is not a web page stays text.
    assert!(app.query_selector("a").unwrap().is_none());
    assert!(m.testid("device-detail-metadata-device").text_content().unwrap().contains("198.51.100.23"));
    let switch = m.testid("device-detail-push-notification-checkbox");
    assert_eq!(switch.get_attribute("role").as_deref(), Some("switch"));
    assert_eq!(switch.get_attribute("aria-checked").as_deref(), Some("true"));
    switch.click();
    assert_eq!(fake.toggles.last(), Some(false));
    fake.push_status.set(PushStatus { pending: Some(false), failure: None });
    settle().await;
    assert_eq!(switch.get_attribute("aria-checked").as_deref(), Some("false"));
    assert!(switch.has_attribute("disabled"));
    fake.push_status.set(PushStatus {
        pending: None,
        failure: Some(PushFailure { wanted_on: false, error: ApiError::Http { status: 500 } }),
    });
    settle().await;
    assert_eq!(switch.get_attribute("aria-checked").as_deref(), Some("true"));
    assert!(m.testid("push-error").text_content().unwrap().contains("HTTP 500"));
    m.testid("device-detail-sign-out-cta").click();
    assert_eq!(fake.sign_outs.count(), 1);
}

#[wasm_bindgen_test]
async fn details_link_to_the_account_provider_or_say_they_cannot() {
    let fake = fake_actions();
    let a = fake.actions;
    let m = Mounted::new(move || view! { <DeviceDetails row=row("PHONE", None, Trust::NoEncryption) actions=a/> });
    fake.managed_at.set(ManagedAt::Link {
        sign_out: "https://auth.example.org/account?action=org.matrix.device_delete&device_id=PHONE".into(),
        view: "https://auth.example.org/account?action=org.matrix.device_view&device_id=PHONE".into(),
    });
    settle().await;
    let link = m.testid("device-detail-manage-cta");
    assert_eq!(link.get_attribute("rel").as_deref(), Some("noopener noreferrer"));
    let end = m.testid("device-detail-sign-out-link");
    assert!(end.get_attribute("href").unwrap().contains("action=org.matrix.device_delete&device_id=PHONE"));
    assert_eq!(end.text_content().as_deref(), Some("Sign out on your account page"));
    assert!(!m.has_testid("device-detail-sign-out-cta"));
    fake.managed_at.set(ManagedAt::Unavailable);
    settle().await;
    assert!(m.has_testid("device-detail-manage-unavailable"));
    assert!(m.find("a[href]").is_none());
}

// ---- CurrentSession ----

#[wasm_bindgen_test]
async fn the_current_session_loads_then_offers_its_menu() {
    let fake = fake_actions();
    let a = fake.actions;
    let others = Calls::<()>::default();
    let on_others = others.callback();
    let current = RwSignal::new(None::<SessionRow>);
    let loading = RwSignal::new(true);
    let m = Mounted::new(move || {
        view! { <CurrentSession row=current is_first_load=loading actions=a inactive_days=90 other_count=2 on_sign_out_others=on_others/> }
    });
    assert!(m.get("[role=status]").get_attribute("aria-label").unwrap().contains("Loading"));
    loading.set(false);
    let mut own = row("ME", Some("Session Manager (Chrome on Linux)"), Trust::NoEncryption);
    own.is_current = true;
    current.set(Some(own));
    settle().await;
    assert!(m.has_testid("device-tile-ME"));
    assert!(m.has_testid("device-verification-card"));
    m.testid("current-session-menu").click();
    settle().await;
    m.testid("current-session-sign-out-all-others").click();
    assert_eq!(others.count(), 1);
    m.testid("current-session-menu").click();
    settle().await;
    m.testid("current-session-sign-out").click();
    assert_eq!(fake.sign_outs.count(), 1);
}

// ---- OptionsMenu ----

#[wasm_bindgen_test]
async fn a_menu_opens_moves_with_arrows_and_closes_with_escape() {
    let picks = Calls::<()>::default();
    let on_pick = picks.callback();
    let m = Mounted::new(move || {
        let items = vec![MenuItem::action("First", "first", on_pick), MenuItem::danger("Second", "second", on_pick)];
        view! { <OptionsMenu testid="menu" label="Options" items=items is_disabled=false/> }
    });
    let button = m.testid("menu");
    assert_eq!(button.get_attribute("aria-label").as_deref(), Some("Options"));
    assert_eq!(button.get_attribute("aria-expanded").as_deref(), Some("false"));
    button.click();
    frame().await;
    assert_eq!(button.get_attribute("aria-expanded").as_deref(), Some("true"));
    assert_eq!(focused_testid().as_deref(), Some("first"));
    key(&m.testid("first"), "ArrowDown");
    settle().await;
    assert_eq!(focused_testid().as_deref(), Some("second"));
    key(&m.testid("second"), "Escape");
    frame().await;
    assert!(!m.has_testid("first"));
    assert_eq!(focused_testid().as_deref(), Some("menu"));
    button.click();
    settle().await;
    m.testid("second").click();
    assert_eq!(picks.count(), 1);
}

// ---- Filter, selection bar, list ----

#[wasm_bindgen_test]
async fn the_filter_menu_marks_the_current_choice() {
    let choices = Calls::<SessionFilter>::default();
    let on_filter = choices.callback();
    let m = Mounted::new(
        move || view! { <FilterMenu filter=SessionFilter::Inactive on_filter=on_filter inactive_days=30/> },
    );
    let trigger = m.get("#device-list-filter");
    assert!(trigger.text_content().unwrap().contains("Show: Inactive"));
    trigger.click();
    settle().await;
    let option = m.testid("filter-option-Inactive");
    assert_eq!(option.get_attribute("role").as_deref(), Some("menuitemradio"));
    assert_eq!(option.get_attribute("aria-checked").as_deref(), Some("true"));
    assert!(option.text_content().unwrap().contains("30"));
    m.testid("filter-option-Verified").click();
    assert_eq!(choices.last(), Some(SessionFilter::Verified));
}

#[wasm_bindgen_test]
async fn a_filter_card_explains_and_an_empty_filter_offers_show_all() {
    let choices = Calls::<SessionFilter>::default();
    let on_filter = choices.callback();
    let filter = RwSignal::new(SessionFilter::All);
    let m = Mounted::new(move || {
        view! { <FilterCard filter=filter inactive_days=90/> <NoSessions filter=filter on_filter=on_filter/> }
    });
    assert!(!m.has_testid("filter-card"));
    assert!(!m.has_testid("devices-clear-filter-btn"));
    filter.set(SessionFilter::Unverified);
    settle().await;
    assert!(m.testid("filter-card").text_content().unwrap().contains("Unverified sessions"));
    m.testid("devices-clear-filter-btn").click();
    assert_eq!(choices.last(), Some(SessionFilter::All));
}

#[wasm_bindgen_test]
async fn the_selection_bar_selects_exactly_the_shown_sessions() {
    let sign_outs = Calls::<()>::default();
    let on_sign_out = sign_outs.callback();
    let selected = RwSignal::new(HashSet::<String>::new());
    let ids = vec!["A".to_string(), "B".to_string()];
    let count = Signal::derive(move || selected.with(|s| s.len()));
    let m = Mounted::new(move || {
        view! {
            <SelectionBar
                ids=ids
                selected_ids=selected
                selected_count=count
                is_selectable=true
                filter=SessionFilter::All
                on_filter=Callback::new(|_| ())
                is_signing_out=false
                on_sign_out_selected=on_sign_out
                inactive_days=90
            />
        }
    });
    let all = m.testid("device-select-all-checkbox");
    assert_eq!(all.get_attribute("aria-label").as_deref(), Some("Select all"));
    assert_eq!(m.testid("list-header-label").text_content().unwrap(), "Sessions");
    assert!(m.find("#device-list-filter").is_some());
    all.click();
    settle().await;
    assert_eq!(selected.get_untracked().len(), 2);
    assert_eq!(m.testid("list-header-label").text_content().unwrap(), "2 sessions selected");
    assert_eq!(m.testid("device-select-all-checkbox").get_attribute("aria-label").as_deref(), Some("Deselect all"));
    assert!(m.find("#device-list-filter").is_none());
    m.testid("sign-out-selection-cta").click();
    assert_eq!(sign_outs.count(), 1);
    m.testid("cancel-selection-cta").click();
    settle().await;
    assert!(selected.get_untracked().is_empty());
}

fn rows_of(n: usize) -> (Vec<String>, HashMap<String, SessionRow>) {
    let ids: Vec<String> = (0..n).map(|i| format!("S{i:03}")).collect();
    let rows = ids.iter().map(|id| (id.clone(), row(id, None, Trust::NoEncryption))).collect();
    (ids, rows)
}

#[wasm_bindgen_test]
async fn the_list_renders_a_page_at_a_time_and_expands_rows() {
    let (ids, all_rows) = rows_of(PAGE_SIZE + 10);
    let expanded = RwSignal::new(HashSet::<String>::new());
    let selected = RwSignal::new(HashSet::<String>::new());
    let made = Calls::<String>::default();
    let make = made.clone();
    let m = Mounted::new(move || {
        let rows = Memo::new(move |_| all_rows.clone());
        let row_actions = Callback::new(move |id: String| {
            make.callback().run(id);
            fake_actions().actions
        });
        view! {
            <SessionList
                ids=ids
                filter=SessionFilter::All
                rows=rows
                row_actions=row_actions
                expanded_ids=expanded
                selected_ids=selected
                is_selectable=true
                inactive_days=90
            />
        }
    });
    // The first paint has the rows a screen shows, the rest of the page
    // follows it.
    assert_eq!(m.root.query_selector_all("li").unwrap().length() as usize, FIRST_PAINT);
    assert!(!m.has_testid("more-sessions"));
    frame().await;
    gloo_timers::future::TimeoutFuture::new(0).await;
    settle().await;
    assert_eq!(m.root.query_selector_all("li").unwrap().length() as usize, PAGE_SIZE);
    assert_eq!(made.count(), PAGE_SIZE, "each rendered row makes its actions once");
    assert!(m.testid("more-sessions").text_content().unwrap().contains("50"));
    m.testid("show-more-sessions").click();
    settle().await;
    assert_eq!(m.root.query_selector_all("li").unwrap().length() as usize, PAGE_SIZE + 10);
    assert!(!m.has_testid("more-sessions"));
    m.testid("device-toggle-details-S001").click();
    settle().await;
    assert!(m.has_testid("device-detail-S001"));
    m.testid("device-tile-checkbox-S002").click();
    settle().await;
    assert!(selected.get_untracked().contains("S002"));
}

#[wasm_bindgen_test]
async fn other_sessions_under_delegation_link_out_and_have_no_selection() {
    let (ids, all_rows) = rows_of(2);
    let url = RwSignal::new(Some("https://auth.example.org/account?action=org.matrix.devices_list".to_string()));
    let m = Mounted::new(move || {
        let rows = Memo::new(move |_| all_rows.clone());
        view! {
            <OtherSessions
                ids=ids
                filter=SessionFilter::All
                on_filter=Callback::new(|_| ())
                rows=rows
                row_actions=Callback::new(|_| fake_actions().actions)
                expanded_ids=RwSignal::new(HashSet::new())
                selected_ids=RwSignal::new(HashSet::new())
                selected_count=0
                is_signing_out=false
                total_count=2
                on_sign_out_selected=Callback::new(|_| ())
                on_sign_out_all=Callback::new(|_| ())
                is_delegated=true
                account_sessions_url=url
                inactive_days=90
            />
        }
    });
    assert!(
        m.testid("account-management-link").get_attribute("href").unwrap().starts_with("https://auth.example.org/")
    );
    assert!(!m.has_testid("device-select-all-checkbox"));
    assert!(!m.has_testid("device-tile-checkbox-S000"));
    assert!(!m.has_testid("other-sessions-menu"));
    url.set(None);
    settle().await;
    assert_eq!(m.testid("account-management-unavailable").get_attribute("role").as_deref(), Some("alert"));
}

// ---- Dialogs ----

#[wasm_bindgen_test]
async fn a_modal_opens_cancels_with_escape_and_gives_focus_back() {
    let cancels = Calls::<()>::default();
    let on_cancel = cancels.callback();
    let open = RwSignal::new(false);
    let m = Mounted::new(move || {
        view! {
            <button data-testid="opener" on:click=move |_| open.set(true)>"Open"</button>
            <Modal is_open=open labelled_by="t" testid="modal" can_cancel=true on_cancel=on_cancel>
                <h2 id="t">"Title"</h2>
                <button data-testid="inside">"Inside"</button>
            </Modal>
        }
    });
    // Closed, its content is not built at all.
    assert!(!m.has_testid("inside"));
    m.testid("opener").focus().unwrap();
    m.testid("opener").click();
    settle().await;
    let dialog = m.testid("modal").unchecked_into::<web_sys::HtmlDialogElement>();
    assert!(dialog.open());
    assert_eq!(dialog.get_attribute("aria-labelledby").as_deref(), Some("t"));
    // The content was there before the dialog opened: focus went into it.
    assert_eq!(focused_testid().as_deref(), Some("inside"));
    dialog
        .dispatch_event(
            &web_sys::Event::new_with_event_init_dict("cancel", &{
                let init = web_sys::EventInit::new();
                init.set_cancelable(true);
                init
            })
            .unwrap(),
        )
        .unwrap();
    assert_eq!(cancels.count(), 1);
    open.set(false);
    frame().await;
    assert!(!dialog.open());
    assert_eq!(focused_testid().as_deref(), Some("opener"));
}

#[wasm_bindgen_test]
async fn the_confirm_dialog_shows_its_error_and_a_way_out() {
    let confirms = Calls::<()>::default();
    let fallbacks = Calls::<()>::default();
    let (on_confirm, on_fallback) = (confirms.callback(), fallbacks.callback());
    let error = RwSignal::new(None::<String>);
    let fallback = RwSignal::new(None::<(String, String)>);
    let m = Mounted::new(move || {
        view! {
            <ConfirmDialog
                is_open=true
                title="Sign out"
                message="Are you sure?"
                confirm_label="Sign out"
                is_pending=false
                error=error
                on_confirm=on_confirm
                on_cancel=Callback::new(|_| ())
                fallback=fallback
                on_fallback=on_fallback
            />
        }
    });
    settle().await;
    m.testid("dialog-primary-button").click();
    assert_eq!(confirms.count(), 1);
    error.set(Some("Couldn't sign out.".into()));
    fallback.set(Some(("Remove from this browser anyway".into(), "The session stays on the server.".into())));
    settle().await;
    assert_eq!(m.testid("dialog-error").get_attribute("role").as_deref(), Some("alert"));
    m.testid("dialog-fallback-button").click();
    assert_eq!(fallbacks.count(), 1);
}

#[wasm_bindgen_test]
async fn the_sign_out_dialog_follows_its_phase() {
    let primaries = Calls::<()>::default();
    let on_primary = primaries.callback();
    let phase = RwSignal::new(SignOutPhase::Confirm);
    let problem = RwSignal::new(None::<SignOutProblem>);
    let password = RwSignal::new(String::new());
    let m = Mounted::new(move || {
        view! {
            <SignOutDialog
                phase=phase
                count=2
                is_pending=false
                problem=problem
                password=password
                on_primary=on_primary
                on_cancel=Callback::new(|_| ())
            />
        }
    });
    settle().await;
    assert!(m.text().contains("Are you sure you want to sign out of 2 sessions?"));
    m.testid("dialog-primary-button").click();
    assert_eq!(primaries.count(), 1);
    phase.set(SignOutPhase::Password);
    problem.set(Some(SignOutProblem::Refused("Invalid password".into())));
    settle().await;
    let primary = m.testid("dialog-primary-button");
    assert!(primary.has_attribute("disabled"), "no password, no submission");
    assert_eq!(m.testid("dialog-error").text_content().unwrap(), "Invalid password");
    set_input(&m.testid("uia-password-input"), "secret");
    settle().await;
    assert!(!primary.has_attribute("disabled"));
    phase.set(SignOutPhase::Sso { popup_done: false });
    settle().await;
    assert!(m.text().contains("Single Sign On"));
    assert!(!m.has_testid("uia-password-input"));
}

// ---- Sign-in ----

#[wasm_bindgen_test]
async fn the_login_form_reports_the_homeserver_and_the_submission() {
    let changes = Calls::<()>::default();
    let submits = Calls::<()>::default();
    let (on_change, on_submit) = (changes.callback(), submits.callback());
    let homeserver = RwSignal::new(String::new());
    let offers_password = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    let m = Mounted::new(move || {
        view! {
            <LoginForm
                locked=None
                homeserver=homeserver
                homeserver_hint="A server name such as example.org, or a full URL."
                on_homeserver_change=on_change
                offers_password=offers_password
                username=RwSignal::new(String::new())
                password=RwSignal::new(String::new())
                problem=problem
                is_busy=false
                on_submit=on_submit
            />
        }
    });
    let field = m.testid("login-homeserver");
    assert_eq!(m.get("label[for=login-homeserver]").text_content().unwrap(), "Homeserver");
    set_input(&field, "matrix.org");
    field.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    assert_eq!(homeserver.get_untracked(), "matrix.org");
    assert_eq!(changes.count(), 1);
    submit(&field);
    assert_eq!(submits.count(), 1);
    problem.set(Some("Invalid username or password".into()));
    offers_password.set(false);
    settle().await;
    assert_eq!(m.testid("login-error").get_attribute("role").as_deref(), Some("alert"));
    assert!(!m.has_testid("login-password"));
    assert!(!m.has_testid("login-submit"));
}

#[wasm_bindgen_test]
async fn the_login_form_offers_oauth_first_and_reports_it() {
    let oauths = Calls::<()>::default();
    let on_oauth = oauths.callback();
    let offers_password = RwSignal::new(true);
    let label = RwSignal::new(None::<String>);
    let m = Mounted::new(move || {
        view! {
            <LoginForm
                locked=None
                homeserver=RwSignal::new("https://matrix.example.org".to_string())
                homeserver_hint=""
                on_homeserver_change=Callback::new(|_| {})
                offers_password=offers_password
                username=RwSignal::new(String::new())
                password=RwSignal::new(String::new())
                problem=Signal::derive(|| None::<String>)
                is_busy=false
                on_submit=Callback::new(|_| {})
                oauth_label=label
                on_oauth=on_oauth
            />
        }
    });
    assert!(!m.has_testid("login-oauth"));
    label.set(Some("Continue at auth.example.org".into()));
    settle().await;
    let choice = m.testid("login-oauth");
    assert_eq!(choice.text_content().as_deref(), Some("Continue at auth.example.org"));
    assert_eq!(choice.get_attribute("type").as_deref(), Some("button"));
    // Before the password fields, with a divider between.
    let fields = m.testid("login-username");
    assert!(choice.compare_document_position(&fields) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0);
    assert!(m.text().contains("or sign in with a password"));
    choice.click();
    assert_eq!(oauths.count(), 1);
    offers_password.set(false);
    settle().await;
    assert!(!m.text().contains("or sign in with a password"));
    assert!(!m.has_testid("login-submit"));
}

#[wasm_bindgen_test]
fn a_locked_homeserver_has_no_field() {
    let no_problem: Signal<Option<String>> = Signal::stored(None);
    let m = Mounted::new(move || {
        view! {
            <LoginForm
                locked=Some("https://matrix.example.org".to_string())
                homeserver=RwSignal::new(String::new())
                homeserver_hint=""
                on_homeserver_change=Callback::new(|_| ())
                offers_password=true
                username=RwSignal::new(String::new())
                password=RwSignal::new(String::new())
                problem=no_problem
                is_busy=true
                on_submit=Callback::new(|_| ())
            />
        }
    });
    assert!(!m.has_testid("login-homeserver"));
    assert!(m.testid("login-homeserver-locked").text_content().unwrap().contains("https://matrix.example.org"));
    assert_eq!(m.testid("login-submit").text_content().unwrap(), "Signing in…");
}

#[wasm_bindgen_test]
fn single_sign_on_offers_one_button_per_provider() {
    let picks = Calls::<Option<String>>::default();
    let on_choose = picks.callback();
    let m = Mounted::new(move || {
        let choices = vec![
            SsoChoice { idp: Some("cas".into()), label: "Continue with Example CAS".into(), icon_url: None },
            SsoChoice { idp: None, label: "Continue with single sign-on".into(), icon_url: None },
        ];
        view! { <SsoButtons choices=choices is_disabled=false on_choose=on_choose/> }
    });
    assert_eq!(m.testid("sso-button-cas").text_content().unwrap(), "Continue with Example CAS");
    m.testid("sso-button-cas").click();
    assert_eq!(picks.last(), Some(Some("cas".to_string())));
    m.testid("sso-button-default").click();
    assert_eq!(picks.last(), Some(None));
}

// ---- This browser ----

#[wasm_bindgen_test]
async fn this_browser_shows_the_remembered_identity_and_forgets() {
    let switches = Calls::<bool>::default();
    let forgets = Calls::<()>::default();
    let (on_switch, on_forget) = (switches.callback(), forgets.callback());
    let notifies = Calls::<bool>::default();
    let on_notify = notifies.callback();
    let notify_problem = RwSignal::new(None::<String>);
    let identity = RwSignal::new(None::<IdentityPin>);
    let m = Mounted::new(move || {
        view! {
            <ThisBrowser
                client_info_on=false
                client_info_pending=false
                client_info_error=Some("Couldn't save the setting.".to_string())
                on_client_info=on_switch
                notify_on=false
                notify_pending=false
                notify_problem=notify_problem
                on_notify=on_notify
                identity=identity
                on_forget=on_forget
            />
        }
    });
    assert!(!m.has_testid("remembered-identity"));
    assert_eq!(m.testid("client-info-opt-in-error").get_attribute("role").as_deref(), Some("alert"));
    m.testid("client-info-opt-in").click();
    assert_eq!(switches.last(), Some(true));
    identity.set(Some(IdentityPin { master_key: "abcdefghijkl".into(), first_seen_ms: Some(0) }));
    settle().await;
    let shown = m.testid("remembered-identity").text_content().unwrap();
    assert!(shown.contains("abcd efgh ijkl"));
    assert!(shown.contains("trust on first use"));
    m.testid("forget-account").click();
    assert_eq!(forgets.count(), 1);
    // The notification switch reports the wish and shows what is: off until
    // the browser allowed it.
    let notify = m.testid("notify-opt-in");
    notify.click();
    assert_eq!(notifies.last(), Some(true));
    assert!(!notify.unchecked_ref::<web_sys::HtmlInputElement>().checked());
    notify_problem.set(Some("The browser does not allow notifications.".into()));
    settle().await;
    assert_eq!(m.testid("notify-opt-in-error").get_attribute("role").as_deref(), Some("alert"));
}

// ---- Verification ----

#[wasm_bindgen_test]
async fn the_verify_panel_offers_the_next_step() {
    let unlocks = Calls::<()>::default();
    let verifies = Calls::<()>::default();
    let locks = Calls::<()>::default();
    let offer = RwSignal::new(VerifyOffer::Unlock);
    let unlocked = RwSignal::new(false);
    let pending = RwSignal::new(false);
    let actions = VerifyActions {
        offer: offer.into(),
        is_unlocked: unlocked.into(),
        is_pending: pending.into(),
        problem: Signal::stored(None),
        on_unlock: unlocks.callback(),
        on_verify: verifies.callback(),
        on_lock: locks.callback(),
    };
    let m = Mounted::new(move || view! { <VerifyPanel actions=actions is_current=true/> });
    let button = m.testid("verify-unlock");
    button.click();
    assert_eq!(unlocks.count(), 1);
    // Waiting, it keeps focus (a dialog opened meanwhile returns it there)
    // and ignores clicks.
    button.focus().unwrap();
    pending.set(true);
    settle().await;
    assert_eq!(button.get_attribute("aria-disabled").as_deref(), Some("true"));
    assert!(!button.has_attribute("disabled"));
    let focused = web_sys::window().unwrap().document().unwrap().active_element();
    assert!(focused.is_some_and(|f| f.is_same_node(Some(&button))), "focus stays on the busy button");
    button.click();
    assert_eq!(unlocks.count(), 1, "a busy button does nothing");
    pending.set(false);
    offer.set(VerifyOffer::VerifyThisSession);
    unlocked.set(true);
    settle().await;
    assert_eq!(m.testid("verify-this-session").text_content().unwrap(), "Verify this session");
    assert!(m.testid("verify-this-session").is_same_node(Some(&button)), "the next step is the same button");
    m.testid("verify-this-session").click();
    assert_eq!(verifies.count(), 1);
    m.testid("verify-lock").click();
    assert_eq!(locks.count(), 1);
    offer.set(VerifyOffer::Nothing);
    unlocked.set(false);
    settle().await;
    assert!(!m.has_testid("verify-panel"));
}

#[wasm_bindgen_test]
async fn the_unlock_dialog_sends_the_chosen_secret_and_shows_progress() {
    let unlocks = Calls::<(UnlockWith, String)>::default();
    let on_unlock = unlocks.callback();
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let m = Mounted::new(move || {
        view! { <UnlockDialog is_open=true is_pending=pending problem=problem on_unlock=on_unlock on_cancel=Callback::new(|_| ())/> }
    });
    settle().await;
    assert!(m.testid("unlock-submit").has_attribute("disabled"), "nothing typed, nothing to send");
    m.testid("unlock-with-phrase").click();
    settle().await;
    let field = m.testid("unlock-secret");
    assert_eq!(field.get_attribute("type").as_deref(), Some("password"));
    set_input(&field, "correct horse");
    submit(&field);
    assert_eq!(unlocks.last(), Some((UnlockWith::Phrase, "correct horse".to_string())));
    pending.set(true);
    problem.set(Some("That security phrase doesn't unlock your secret storage.".into()));
    settle().await;
    assert!(m.has_testid("unlock-progress"));
    assert_eq!(m.testid("unlock-error").get_attribute("role").as_deref(), Some("alert"));
}

#[wasm_bindgen_test]
async fn the_unlock_dialog_forgets_what_was_typed_once_closed() {
    let open = RwSignal::new(true);
    let pending = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let m = Mounted::new(move || {
        view! { <UnlockDialog is_open=open is_pending=pending problem=problem on_unlock=Callback::new(|_| ()) on_cancel=Callback::new(|_| ())/> }
    });
    settle().await;
    m.testid("unlock-with-phrase").click();
    set_input(&m.testid("unlock-secret"), "correct horse");
    settle().await;
    // Closed after an unlock (not through Cancel), then opened again.
    open.set(false);
    settle().await;
    assert!(!m.has_testid("unlock-secret"), "closed content is not kept");
    open.set(true);
    settle().await;
    let field = m.testid("unlock-secret");
    assert_eq!(field.unchecked_ref::<web_sys::HtmlInputElement>().value(), "");
    assert_eq!(field.get_attribute("type").as_deref(), Some("text"), "back to the recovery key");
}

#[wasm_bindgen_test]
async fn the_sas_dialog_shows_seven_named_emoji_and_the_outcome() {
    let choices = Calls::<SasChoice>::default();
    let on_choose = choices.callback();
    let state = RwSignal::new(SasView::Waiting { name: "Pixel 8".into() });
    let m = Mounted::new(
        move || view! { <SasDialog view_state=state on_choose=on_choose on_close=Callback::new(|_| ())/> },
    );
    settle().await;
    assert!(m.testid("sas-waiting").text_content().unwrap().contains("Waiting for Pixel 8"));
    state.set(SasView::Compare {
        name: "Pixel 8".into(),
        emoji: [0, 1, 2, 3, 4, 5, 63],
        decimals: [1000, 2000, 9191],
        confirmed: false,
    });
    settle().await;
    let items = m.root.query_selector_all("[data-testid=sas-emoji-item]").unwrap();
    assert_eq!(items.length(), 7);
    assert_eq!(items.item(0).unwrap().text_content().unwrap(), "🐶Dog");
    assert_eq!(items.item(6).unwrap().text_content().unwrap(), "📌Pin");
    assert!(m.testid("sas-decimals").text_content().unwrap().contains("1000 – 2000 – 9191"));
    m.testid("sas-match").click();
    assert_eq!(choices.last(), Some(SasChoice::Match));
    state.set(SasView::Ended { name: "Pixel 8".into(), end: SasEnd::Mismatch });
    settle().await;
    assert!(m.testid("sas-ended").text_content().unwrap().contains("didn't match"));
}

#[wasm_bindgen_test]
async fn a_verification_request_is_announced_with_accept_and_ignore() {
    let accepts = Calls::<()>::default();
    let ignores = Calls::<()>::default();
    let (on_accept, on_ignore) = (accepts.callback(), ignores.callback());
    let request = RwSignal::new(None::<IncomingRequest>);
    let (pending, problem) = (RwSignal::new(false), RwSignal::new(None::<String>));
    let m = Mounted::new(move || {
        view! {
            <VerificationRequest asker=Signal::derive(move || request.with(|r| r.as_ref().map(|r: &IncomingRequest| r.name.clone()))) is_pending=pending problem=problem on_accept=on_accept on_ignore=on_ignore/>
        }
    });
    assert!(!m.has_testid("verification-request"));
    request.set(Some(IncomingRequest { device_id: "P".into(), name: "Pixel 8".into(), transaction_id: "T".into() }));
    settle().await;
    let banner = m.testid("verification-request");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    assert!(banner.text_content().unwrap().contains("Pixel 8 asks to be verified"));
    m.testid("verification-request-accept").click();
    m.testid("verification-request-ignore").click();
    assert_eq!((accepts.count(), ignores.count()), (1, 1));
    // While verification loads, Accept waits; a failure is said in the banner.
    pending.set(true);
    settle().await;
    assert_eq!(m.testid("verification-request-accept").get_attribute("aria-busy").as_deref(), Some("true"));
    pending.set(false);
    problem.set(Some("Verification couldn't be loaded (offline).".into()));
    settle().await;
    let error = m.testid("verification-request-error");
    assert_eq!(error.get_attribute("role").as_deref(), Some("alert"));
    assert!(m.testid("verification-request").text_content().unwrap().contains("Pixel 8 asks to be verified"));
}

// ---- Search, clean-up, watch ----

#[wasm_bindgen_test]
async fn the_search_reports_text_sort_and_export_and_counts_politely() {
    let queries = Calls::<String>::default();
    let sorts = Calls::<SortOrder>::default();
    let exports = Calls::<ExportFormat>::default();
    let (on_query, on_sort, on_export) = (queries.callback(), sorts.callback(), exports.callback());
    let query = RwSignal::new(String::new());
    let shown = RwSignal::new(212usize);
    let m = Mounted::new(move || {
        view! {
            <SessionSearch
                query=query
                on_query=on_query
                sort=SortOrder::Activity
                on_sort=on_sort
                shown=shown
                total=212usize
                on_export=on_export
            />
        }
    });
    let field = m.testid("session-search");
    assert_eq!(field.get_attribute("type").as_deref(), Some("search"));
    let count = m.testid("session-search-count");
    assert_eq!(count.get_attribute("aria-live").as_deref(), Some("polite"));
    assert_eq!(count.text_content().as_deref(), Some(""));
    set_input(&field, "pixel");
    assert_eq!(queries.last().as_deref(), Some("pixel"));
    query.set("pixel".into());
    shown.set(3);
    settle().await;
    assert_eq!(count.text_content().as_deref(), Some("3 of 212 sessions"));
    let sort = m.testid("session-sort").unchecked_into::<web_sys::HtmlSelectElement>();
    sort.set_value("name");
    sort.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    assert_eq!(sorts.last(), Some(SortOrder::Name));
    m.testid("export-button").click();
    settle().await;
    m.testid("export-json").click();
    assert_eq!(exports.last(), Some(ExportFormat::Json));
}

#[wasm_bindgen_test]
async fn the_clean_up_preview_lists_ticks_and_confirms_exactly_the_ticked() {
    let (ids, all_rows) = rows_of(3);
    let confirms = Calls::<Vec<String>>::default();
    let days = Calls::<u32>::default();
    let (on_confirm, on_days) = (confirms.callback(), days.callback());
    let candidates = RwSignal::new(ids.clone());
    let kept = RwSignal::new(HashSet::new());
    let delegated = RwSignal::new(false);
    let m = Mounted::new(move || {
        let rows = Memo::new(move |_| all_rows.clone());
        view! {
            <CleanUpDialog
                is_open=true
                days=180u32
                choices=vec![30, 90, 180, 365]
                on_days=on_days
                candidates=candidates
                rows=rows
                kept=kept
                is_delegated=delegated
                link_of=Callback::new(|id: String| Some(format!("https://auth.example.org/account?device_id={id}")))
                on_confirm=on_confirm
                on_cancel=Callback::new(|_| ())
            />
        }
    });
    settle().await;
    assert!(m.testid("clean-up-summary").text_content().unwrap().starts_with("These 3 sessions"));
    assert_eq!(m.testid("clean-up-days").unchecked_into::<web_sys::HtmlSelectElement>().value(), "180");
    m.testid("clean-up-check-S001").click();
    settle().await;
    assert_eq!(m.testid("clean-up-confirm").text_content().unwrap().trim(), "Sign out 2 sessions");
    m.testid("clean-up-confirm").click();
    assert_eq!(confirms.last(), Some(vec!["S000".to_string(), "S002".to_string()]));
    let select = m.testid("clean-up-days").unchecked_into::<web_sys::HtmlSelectElement>();
    select.set_value("365");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    assert_eq!(days.last(), Some(365));
    // Nothing to sign out: nothing to confirm.
    candidates.set(Vec::new());
    settle().await;
    assert!(m.testid("clean-up-summary").text_content().unwrap().starts_with("No other session"));
    assert!(m.testid("clean-up-confirm").unchecked_into::<web_sys::HtmlButtonElement>().disabled());
}

#[wasm_bindgen_test]
async fn new_sessions_are_summarised_with_review_and_mark_as_reviewed() {
    let reviews = Calls::<()>::default();
    let marks = Calls::<()>::default();
    let (on_review, on_mark) = (reviews.callback(), marks.callback());
    let count = RwSignal::new(0usize);
    let m = Mounted::new(move || {
        view! {
            <NewSessionsNotice
                count=count
                since_ms=Some(js_sys::Date::now() as i64 - 60_000)
                on_review=on_review
                on_mark_reviewed=on_mark
            />
        }
    });
    assert!(!m.has_testid("new-sessions-notice"));
    count.set(2);
    settle().await;
    assert!(m.testid("new-sessions-summary").text_content().unwrap().starts_with("2 sessions signed in since "));
    m.testid("new-sessions-review").click();
    m.testid("new-sessions-mark-reviewed").click();
    assert_eq!((reviews.count(), marks.count()), (1, 1));
}

#[wasm_bindgen_test]
async fn the_history_lists_gone_sessions_and_clears() {
    let clears = Calls::<()>::default();
    let on_clear = clears.callback();
    let history = RwSignal::new(vec![
        Gone {
            id: "TABLET".into(),
            name: "Galaxy Tab".into(),
            last_seen_ts: Some(0),
            noticed_ms: 5,
            signed_out_here: true,
        },
        Gone { id: "PHONE".into(), name: "Pixel".into(), last_seen_ts: None, noticed_ms: 4, signed_out_here: false },
    ]);
    let not_saved = RwSignal::new(false);
    let m = Mounted::new(move || view! { <SignedOutSessions history=history on_clear=on_clear not_saved=not_saved/> });
    assert_eq!(m.get("summary").text_content().unwrap().trim(), "Signed-out sessions (2)");
    let items: Vec<String> = (0..2)
        .map(|i| {
            m.root.query_selector_all("[data-testid=history-how]").unwrap().item(i).unwrap().text_content().unwrap()
        })
        .collect();
    assert_eq!(items, ["Signed out on this page", "Signed out elsewhere"]);
    m.testid("history-clear").click();
    assert_eq!(clears.count(), 1);
    not_saved.set(true);
    history.set(Vec::new());
    settle().await;
    assert_eq!(m.testid("history-not-saved").get_attribute("role").as_deref(), Some("alert"));
    assert!(!m.has_testid("history-list"));
}

/// The plural categories each catalog must have are the ones this
/// browser's `Intl.PluralRules` selects from (CLDR 42 and later: Spanish,
/// Italian and Portuguese gained `many`, which older browsers lack and then
/// never select).
#[wasm_bindgen_test]
fn plural_categories_are_the_browsers() {
    use matrix_sessions::model::languages::{LANGUAGES, plural_categories};
    for lang in LANGUAGES {
        let locales = js_sys::Array::of1(&lang.into());
        let rules = js_sys::Intl::PluralRules::new(&locales, &js_sys::Object::new());
        let options = rules.resolved_options();
        let categories = js_sys::Reflect::get(&options, &"pluralCategories".into()).unwrap();
        let mut browser: Vec<String> = js_sys::Array::from(&categories).iter().filter_map(|c| c.as_string()).collect();
        browser.sort();
        let mut ours: Vec<String> = plural_categories(lang).iter().map(|c| c.to_string()).collect();
        ours.sort();
        assert_eq!(ours, browser, "plural categories of {lang}");
    }
}
