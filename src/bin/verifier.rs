//! The verification module's entry point: a second wasm file that the page
//! loads only when the user unlocks or verifies (`web::verifier_module`).
//! It exports one class; messages both ways are `model::verifier_messages`
//! as JSON text.

use matrix_sessions::model::verifier_messages::{Command, Report};
use matrix_sessions::verifier::Engine;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Verifier {
    engine: Engine,
}

#[wasm_bindgen]
impl Verifier {
    /// `on_report` gets each report as JSON text; `token` answers the
    /// page's current access token.
    #[wasm_bindgen(constructor)]
    pub fn new(on_report: js_sys::Function, token: js_sys::Function) -> Verifier {
        let engine = Engine::new(
            move |report: Report| {
                let json = report.to_json().to_string();
                let _ = on_report.call1(&JsValue::NULL, &JsValue::from_str(&json));
            },
            move || token.call0(&JsValue::NULL).ok().and_then(|t| t.as_string()),
        );
        Verifier { engine }
    }

    /// One command (a `Command` as JSON text).
    pub fn send(&self, command: &str) -> Result<(), JsValue> {
        let value = serde_json::from_str(command).map_err(|e| JsValue::from_str(&e.to_string()))?;
        let command = Command::from_json(&value).ok_or_else(|| JsValue::from_str("not a command"))?;
        self.engine.handle(command);
        Ok(())
    }
}

fn main() {}
