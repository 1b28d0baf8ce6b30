//! Talking to a portal that shows this page in a frame: messages about
//! sign-in state and the page's height, posted only to the parent origin
//! named in `config.json` (and to nobody when none is named).

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

thread_local! {
    static PARENT_ORIGIN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remembers the configured parent origin and, inside a frame, starts
/// reporting the page's height.
pub fn init(parent_origin: Option<String>) {
    PARENT_ORIGIN.with(|o| *o.borrow_mut() = parent_origin);
    if target().is_some() {
        observe_height();
    }
}

/// The parent window and its origin, when framed and configured.
fn target() -> Option<(web_sys::Window, String)> {
    let origin = PARENT_ORIGIN.with(|o| o.borrow().clone())?;
    if !crate::web::sso::is_framed() {
        return None;
    }
    let parent = web_sys::window()?.parent().ok().flatten()?;
    Some((parent, origin))
}

/// Posts `{type: "matrix-sessions:<kind>", ...fields}` to the parent. The
/// browser delivers it only if the parent really has the configured origin.
pub fn post(kind: &str, mut fields: serde_json::Map<String, serde_json::Value>) {
    let Some((parent, origin)) = target() else { return };
    fields.insert("type".into(), format!("matrix-sessions:{kind}").into());
    let Ok(data) = js_sys::JSON::parse(&serde_json::Value::Object(fields).to_string()) else { return };
    let _ = parent.post_message(&data, &origin);
}

pub fn signed_in(user_id: &str) {
    let mut fields = serde_json::Map::new();
    fields.insert("user_id".into(), user_id.into());
    post("signed-in", fields);
}

pub fn signed_out() {
    post("signed-out", serde_json::Map::new());
}

/// Reports the document height whenever it changes, so the portal can size
/// the frame.
fn observe_height() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(root) = document.document_element() else { return };
    let last = std::rc::Rc::new(std::cell::Cell::new(-1i32));
    let callback = Closure::<dyn FnMut()>::new(move || {
        let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else {
            return;
        };
        let height = root.scroll_height();
        if height != last.get() {
            last.set(height);
            let mut fields = serde_json::Map::new();
            fields.insert("height".into(), height.into());
            post("height", fields);
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()) {
        observer.observe(&root);
        if let Some(body) = document.body() {
            observer.observe(&body);
        }
        // Both live as long as the page.
        std::mem::forget(observer);
        callback.forget();
    }
}
