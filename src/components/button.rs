//! A button in the page's styles with a busy state: while its action runs
//! it shows a spinner, is disabled and tells screen readers it is busy.

use leptos::html;
use leptos::prelude::*;

/// How a button looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonStyle {
    #[default]
    Primary,
    Secondary,
    Danger,
    /// Text only (inline actions such as "Rename").
    Link,
    /// Text only, in the danger colour ("Sign out of this session").
    DangerLink,
}

impl ButtonStyle {
    pub fn class(self) -> &'static str {
        match self {
            ButtonStyle::Primary => "sm-button",
            ButtonStyle::Secondary => "sm-button sm-button--secondary",
            ButtonStyle::Danger => "sm-button sm-button--danger",
            ButtonStyle::Link => "sm-button sm-button--link",
            ButtonStyle::DangerLink => "sm-button sm-button--link sm-button--danger",
        }
    }
}

/// A `<button>` with the page's styles. `is_pending` shows a spinner (after
/// the text with `spinner_after`) and disables it, as does `is_disabled`.
/// With `keeps_focus` a pending button is only marked disabled
/// (`aria-disabled`) and ignores clicks, so focus stays on it — for a
/// button that opens a dialog once its work is done, which returns focus
/// to it.
#[component]
pub fn Button(
    #[prop(optional, into)] style: Signal<ButtonStyle>,
    /// A form's submit button (default: a plain button).
    #[prop(optional)]
    submit: bool,
    #[prop(optional, into)] is_pending: Signal<bool>,
    #[prop(optional, into)] is_disabled: Signal<bool>,
    #[prop(optional, into)] testid: MaybeProp<String>,
    /// More classes (e.g. a parent's scoped class for layout).
    #[prop(optional, into)]
    class: Option<String>,
    #[prop(optional)] node_ref: NodeRef<html::Button>,
    #[prop(optional)] spinner_after: bool,
    #[prop(optional)] keeps_focus: bool,
    #[prop(optional)] on_click: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let extra = class.unwrap_or_default();
    let classes = move || format!("{} {extra}", style.get().class());
    let spinner = move || is_pending.get().then(|| view! { <span class="sm-spinner" aria-hidden="true"></span> });
    let (before, after) = if spinner_after { (None, Some(spinner)) } else { (Some(spinner), None) };
    view! {
        <button
            type=if submit { "submit" } else { "button" }
            class=classes
            data-testid=move || testid.get()
            node_ref=node_ref
            disabled=move || (is_pending.get() && !keeps_focus) || is_disabled.get()
            aria-disabled=move || (keeps_focus && is_pending.get()).then_some("true")
            aria-busy=move || is_pending.get().then_some("true")
            on:click=move |ev| {
                // Only a `keeps_focus` button can be clicked while pending;
                // nor may it submit its form.
                if is_pending.get_untracked() {
                    ev.prevent_default();
                    return;
                }
                if let Some(cb) = on_click {
                    cb.run(());
                }
            }
        >
            {before}
            {children()}
            {after}
        </button>
    }
}
