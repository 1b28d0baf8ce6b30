//! Small wrappers over browser APIs (clock, local storage, user agent), so
//! the rest of the app reads as plain Rust.

use crate::model::time::LocalTime;

/// Milliseconds since the epoch, from the browser clock.
pub fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

/// `ms` in the browser's local calendar.
pub fn local_time(ms: i64) -> LocalTime {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    LocalTime {
        year: date.get_full_year() as i32,
        month: (date.get_month() + 1) as u8,
        day: date.get_date() as u8,
        weekday: date.get_day() as u8,
        hour: date.get_hours() as u8,
        minute: date.get_minutes() as u8,
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn storage_get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Writes a value; false when storage is unavailable or full.
pub fn storage_set(key: &str, value: &str) -> bool {
    storage().is_some_and(|s| s.set_item(key, value).is_ok())
}

pub fn storage_remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// Removes every key for which `matches` is true.
pub fn storage_remove_matching(matches: impl Fn(&str) -> bool) {
    let Some(s) = storage() else { return };
    let len = s.length().unwrap_or(0);
    let keys: Vec<String> = (0..len).filter_map(|i| s.key(i).ok().flatten()).collect();
    for key in keys.iter().filter(|k| matches(k)) {
        let _ = s.remove_item(key);
    }
}

pub fn user_agent() -> String {
    web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default()
}

/// A query parameter of the page's address.
pub fn query_param(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

/// Sets (or with `None` removes) a query parameter without reloading or
/// adding a history entry.
pub fn replace_query_param(name: &str, value: Option<&str>) {
    let Some(window) = web_sys::window() else { return };
    let Ok(href) = window.location().href() else { return };
    let Ok(url) = web_sys::Url::new(&href) else { return };
    let params = url.search_params();
    match value {
        Some(v) => params.set(name, v),
        None => params.delete(name),
    }
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url.href()));
    }
}

/// Scrolls an element into view (smoothly unless the user prefers less motion).
pub fn scroll_into_view(element_id: &str) {
    let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(element_id)) else {
        return;
    };
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Start);
    options.set_inline(web_sys::ScrollLogicalPosition::Nearest);
    options.set_behavior(web_sys::ScrollBehavior::Smooth);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Moves keyboard focus to an element (headings need `tabindex="-1"`);
/// false when there is no such element.
pub fn focus_element(element_id: &str) -> bool {
    use wasm_bindgen::JsCast;
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(element_id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .is_some_and(|el| el.focus().is_ok())
}

/// A `performance.mark` for the benchmark (`scripts/bench.sh`) and for
/// anyone profiling the page in the browser's tools.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Runs `task` for as long as the current reactive owner lives (a page's
/// long-poll, countdown or clean-up): cancelled with it. Boxed, so every
/// task shares one copy of the scheduling code.
pub fn spawn_owned(task: impl std::future::Future<Output = ()> + 'static) {
    let task: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = Box::pin(task);
    leptos::task::spawn_local_scoped_with_cancellation(task);
}

/// Saves `text` as a file through the browser's download (a Blob URL and a
/// temporary link): nothing is sent anywhere.
pub fn download(file_name: &str, mime: &str, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return false };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else { return false };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return false };
    let Some(link) = document.create_element("a").ok().and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    // The download has its copy once the click was handled.
    let _ = web_sys::window().map(|w| {
        let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        });
        w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 1_000)
    });
    true
}

/// Whether the browser may show this page's notifications: `Some(true)`
/// granted, `Some(false)` refused, `None` not asked yet (or no API).
pub fn notifications_allowed() -> Option<bool> {
    use web_sys::{Notification, NotificationPermission};
    let has_api = js_sys::Reflect::has(&js_sys::global(), &"Notification".into()).unwrap_or(false);
    if !has_api {
        return Some(false);
    }
    match Notification::permission() {
        NotificationPermission::Granted => Some(true),
        NotificationPermission::Denied => Some(false),
        _ => None,
    }
}

/// Asks the user to allow notifications (only from a click); true when
/// allowed.
pub async fn ask_for_notifications() -> bool {
    let Ok(promise) = web_sys::Notification::request_permission() else { return false };
    let answer = wasm_bindgen_futures::JsFuture::from(promise).await;
    answer.ok().and_then(|v| v.as_string()).as_deref() == Some("granted")
}

/// Shows a browser notification (when allowed); `tag` replaces an earlier
/// one of the same kind instead of piling them up.
pub fn notify(title: &str, body: &str, tag: &str) -> bool {
    if notifications_allowed() != Some(true) {
        return false;
    }
    let options = web_sys::NotificationOptions::new();
    options.set_body(body);
    options.set_tag(tag);
    web_sys::Notification::new_with_options(title, &options).is_ok()
}
