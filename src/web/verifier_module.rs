//! Loading the verification module (`src/bin/verifier.rs`, its own wasm
//! file) the first time the user unlocks or verifies, and passing messages
//! to it. The build names the module's hashed file in
//! `<meta name="verifier-module">`; it is loaded once per page and shared by
//! whichever sessions page is showing.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Array, Function, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::model::verifier_messages::{Command, Report};

#[wasm_bindgen(inline_js = "export function import_module(url) { return import(url); }")]
extern "C" {
    /// A dynamic `import()`: the only way to load an ES module on demand
    /// (a snippet, since Rust cannot write it).
    #[wasm_bindgen(catch)]
    fn import_module(url: &str) -> Result<js_sys::Promise, JsValue>;
}

/// The sessions page showing now: where reports go, and its access token
/// (asked before each of the module's requests).
#[derive(Clone)]
pub struct Page {
    pub on_report: Rc<dyn Fn(Report)>,
    pub token: Rc<dyn Fn() -> String>,
}

thread_local! {
    /// The module's `Verifier` object, once loaded.
    static MODULE: RefCell<Option<JsValue>> = const { RefCell::new(None) };
    static PAGE: RefCell<Option<Page>> = const { RefCell::new(None) };
    /// Failed loads so far: a retry asks for a new address, because a
    /// browser may remember a module that failed to load.
    static FAILURES: Cell<u32> = const { Cell::new(0) };
}

/// Who the module works for (`None`: nobody; reports are dropped and it
/// gets no token).
pub fn set_page(page: Option<Page>) {
    PAGE.with(|p| *p.borrow_mut() = page);
}

pub fn is_loaded() -> bool {
    MODULE.with(|m| m.borrow().is_some())
}

/// Loads the module, once; a failed load is tried again next time. The
/// page asks for one step at a time, so loads never overlap.
pub async fn load() -> Result<(), String> {
    if is_loaded() {
        return Ok(());
    }
    let result = fetch_module().await;
    if result.is_err() {
        FAILURES.with(|f| f.set(f.get() + 1));
    }
    result
}

/// Sends one command to the loaded module.
pub fn send(command: &Command) -> Result<(), String> {
    let module = MODULE.with(|m| m.borrow().clone()).ok_or_else(|| "not loaded".to_string())?;
    let json = command.to_json().to_string();
    let send = Reflect::get(&module, &"send".into()).map_err(describe)?.unchecked_into::<Function>();
    send.call1(&module, &json.into()).map(|_| ()).map_err(describe)
}

fn module_url() -> Result<String, String> {
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let meta =
        document.query_selector("meta[name=verifier-module]").ok().flatten().ok_or("the build names no module")?;
    let path = meta.get_attribute("content").ok_or("the build names no module")?;
    let base = document.base_uri().ok().flatten().ok_or("no base address")?;
    // import() in a snippet resolves against the snippet's own address.
    let url = web_sys::Url::new_with_base(&path, &base).map_err(describe)?;
    let failures = FAILURES.with(Cell::get);
    if failures > 0 {
        url.search_params().set("attempt", &failures.to_string());
    }
    Ok(url.href())
}

async fn fetch_module() -> Result<(), String> {
    let url = module_url()?;
    let exports = JsFuture::from(import_module(&url).map_err(describe)?).await.map_err(describe)?;
    let init = Reflect::get(&exports, &"default".into()).map_err(describe)?.unchecked_into::<Function>();
    JsFuture::from(init.call0(&JsValue::NULL).map_err(describe)?.unchecked_into::<js_sys::Promise>())
        .await
        .map_err(describe)?;
    let class = Reflect::get(&exports, &"Verifier".into()).map_err(describe)?.unchecked_into::<Function>();
    // Reports arrive as JSON; a page handler runs them outside this call,
    // so it may send commands back without re-entering the module.
    let on_report = Closure::<dyn Fn(String)>::new(|json: String| {
        let Some(report) = serde_json::from_str(&json).ok().and_then(|v| Report::from_json(&v)) else { return };
        let Some(page) = PAGE.with(|p| p.borrow().clone()) else { return };
        wasm_bindgen_futures::spawn_local(async move { (page.on_report)(report) });
    });
    let token = Closure::<dyn Fn() -> Option<String>>::new(|| PAGE.with(|p| p.borrow().as_ref().map(|p| (p.token)())));
    let object = Reflect::construct(&class, &Array::of2(on_report.as_ref(), token.as_ref())).map_err(describe)?;
    // The module lives as long as the page, and so do its callbacks.
    on_report.forget();
    token.forget();
    MODULE.with(|m| *m.borrow_mut() = Some(object));
    Ok(())
}

fn describe(error: JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "unknown error".into())
}
