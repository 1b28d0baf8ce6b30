//! Collects every component's `style_sheet!` into one CSS file that Trunk's
//! post-build hook copies into the output (see Trunk.toml).
fn main() {
    stylers::build(Some(String::from("./target/main.css")));
}
