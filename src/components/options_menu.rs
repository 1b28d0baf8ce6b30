//! A button that opens a menu of actions or choices, operable with the
//! keyboard (arrows, Home, End, Escape).

use crate::web::i18n::t;
use leptos::html::Div;
use leptos::prelude::*;
use stylers::style_sheet;
use wasm_bindgen::JsCast;

/// One entry of an options menu.
#[derive(Clone)]
pub struct MenuItem {
    pub label: String,
    pub testid: &'static str,
    pub is_danger: bool,
    pub on_select: Callback<()>,
    /// For choices (a filter): whether this one is the current choice.
    pub checked: Option<bool>,
    /// A second line under the label.
    pub description: Option<String>,
}

impl MenuItem {
    pub fn action(label: impl Into<String>, testid: &'static str, on_select: Callback<()>) -> Self {
        MenuItem { label: label.into(), testid, is_danger: false, on_select, checked: None, description: None }
    }

    pub fn danger(label: impl Into<String>, testid: &'static str, on_select: Callback<()>) -> Self {
        MenuItem { is_danger: true, ..MenuItem::action(label, testid, on_select) }
    }
}

/// What opens the menu.
#[derive(Clone)]
pub enum MenuTrigger {
    /// A "⋮" icon button.
    Kebab,
    /// A button showing text (e.g. "Show: All"), with this element id.
    Text { text: Signal<String>, id: &'static str },
}

/// A button that opens a menu. Arrow keys move between items, Escape
/// closes and returns focus to the button, leaving the menu closes it.
#[component]
pub fn OptionsMenu(
    /// `data-testid` of the button.
    testid: &'static str,
    #[prop(optional)] trigger: Option<MenuTrigger>,
    /// Accessible name of the button ("Current session options").
    #[prop(into)]
    label: Signal<String>,
    #[prop(into)] items: Signal<Vec<MenuItem>>,
    #[prop(into)] is_disabled: Signal<bool>,
) -> impl IntoView {
    let class_name = style_sheet!("style/components/options_menu.css");
    let (is_open, set_open) = signal(false);
    let trigger = trigger.unwrap_or(MenuTrigger::Kebab);
    let (trigger_class, trigger_id, trigger_text) = match &trigger {
        MenuTrigger::Kebab => ("kebab", None, None),
        MenuTrigger::Text { text, id } => ("text-trigger", Some(*id), Some(*text)),
    };
    let root = NodeRef::<Div>::new();
    let menu_items = move || -> Vec<web_sys::HtmlElement> {
        let Some(root) = root.try_get_untracked().flatten() else { return vec![] };
        let Ok(list) = root.query_selector_all("[role=menuitem],[role=menuitemradio]") else { return vec![] };
        (0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<web_sys::HtmlElement>().ok()).collect()
    };
    let focus_button = move || {
        if let Some(root) = root.try_get_untracked().flatten()
            && let Ok(Some(button)) = root.query_selector("button[aria-haspopup]")
            && let Ok(button) = button.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = button.focus();
        }
    };
    // Focus the first item when the menu opens, once its items are in the
    // page (the effect can run before they are rendered).
    Effect::new(move |_| {
        if is_open.get() {
            request_animation_frame(move || {
                if let Some(first) = menu_items().first() {
                    let _ = first.focus();
                }
            });
        }
    });
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if is_open.try_get_untracked() != Some(true) {
            return;
        }
        let items = menu_items();
        let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
        let index = items
            .iter()
            .position(|item| active.as_ref().is_some_and(|a| a == item.unchecked_ref::<web_sys::Element>()));
        let len = items.len();
        let target = match ev.key().as_str() {
            "Escape" => {
                ev.prevent_default();
                set_open.try_set(false);
                focus_button();
                return;
            }
            "ArrowDown" => index.map_or(0, |i| (i + 1) % len.max(1)),
            "ArrowUp" => index.map_or(len.saturating_sub(1), |i| (i + len - 1) % len.max(1)),
            "Home" => 0,
            "End" => len.saturating_sub(1),
            _ => return,
        };
        ev.prevent_default();
        if let Some(item) = items.get(target) {
            let _ = item.focus();
        }
    };
    // Also runs when the menu leaves the page while focused (e.g. the filter
    // button hides once sessions are selected): hence the `try_` accessors.
    let on_focusout = move |ev: web_sys::FocusEvent| {
        let inside = match (root.try_get_untracked().flatten(), ev.related_target()) {
            (Some(root), Some(next)) => next.dyn_into::<web_sys::Node>().is_ok_and(|node| root.contains(Some(&node))),
            _ => false,
        };
        if !inside {
            set_open.try_set(false);
        }
    };
    view! { class = class_name,
        <div class="menu-root" node_ref=root on:keydown=on_keydown on:focusout=on_focusout>
            <button
                class=trigger_class
                id=trigger_id
                data-testid=testid
                title=trigger_text.is_none().then(|| t("menu.options"))
                // A text button is named by its text (plus a hidden prefix), so
                // what is seen is what a screen reader says.
                aria-label=move || trigger_text.is_none().then(|| label.get())
                aria-haspopup="menu"
                aria-expanded=move || is_open.get().to_string()
                disabled=move || is_disabled.get()
                on:click=move |_| set_open.update(|open| *open = !*open)
            >
                {match trigger_text {
                    None => view! { class = class_name,
                        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                            <circle cx="12" cy="5" r="2" fill="currentColor"/>
                            <circle cx="12" cy="12" r="2" fill="currentColor"/>
                            <circle cx="12" cy="19" r="2" fill="currentColor"/>
                        </svg>
                    }.into_any(),
                    Some(text) => view! { class = class_name,
                        <span class="sm-visually-hidden">{move || format!("{}. ", label.get())}</span>
                        <span>{move || text.get()}</span>
                        <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                            <path fill="currentColor" d="M7.4 8.6 12 13.2l4.6-4.6L18 10l-6 6-6-6 1.4-1.4Z"/>
                        </svg>
                    }.into_any(),
                }}
            </button>
            <Show when=move || is_open.get()>
                <div class="menu" role="menu">
                    <For
                        each=move || items.get()
                        key=|item| item.testid
                        children=move |item| {
                            let on_select = item.on_select;
                            let role = if item.checked.is_some() { "menuitemradio" } else { "menuitem" };
                            view! { class = class_name,
                                <button
                                    class=if item.is_danger { "item item--danger" } else { "item" }
                                    role=role
                                    aria-checked=item.checked.map(|c| c.to_string())
                                    data-testid=item.testid
                                    on:click=move |_| {
                                        set_open.set(false);
                                        focus_button();
                                        on_select.run(());
                                    }
                                >
                                    <span class="item-label">
                                        {item.label.clone()}
                                        {item.checked.filter(|c| *c).map(|_| view! { class = class_name,
                                            <svg class="check" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
                                                <path fill="currentColor" d="M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2Z"/>
                                            </svg>
                                        })}
                                    </span>
                                    {item.description.clone().map(|d| view! { class = class_name,
                                        <span class="item-description">{d}</span>
                                    })}
                                </button>
                            }
                        }
                    />
                </div>
            </Show>
        </div>
    }
}
