//! A small busy indicator with a name for screen readers.

use leptos::prelude::*;

/// A small busy indicator with a name for screen readers.
#[component]
pub fn Spinner(
    /// What is happening, read by screen readers ("Loading sessions").
    #[prop(into)]
    label: String,
    #[prop(optional)] large: bool,
) -> impl IntoView {
    let class = if large { "sm-spinner sm-spinner--large" } else { "sm-spinner" };
    view! { <span class=class role="status" aria-label=label></span> }
}
