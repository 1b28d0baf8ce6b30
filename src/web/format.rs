//! Text for timestamps, in the browser's time zone and the page's language
//! (`Intl.DateTimeFormat`), with Element's choice of shape: today → time;
//! the last six days → weekday and time; this year → "Mar 6"; older →
//! "Dec 29, 2021". Times use the 24-hour clock, as Element does.

use std::cell::RefCell;
use std::collections::HashMap;

use wasm_bindgen::JsValue;

use crate::model::time::{ActivityLabel, activity_label, full_date_english};
use crate::web::browser;
use crate::web::i18n;

fn options(fields: &[(&str, &str)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&options, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    options
}

/// The shapes of date the page shows.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    Time,
    WeekdayTime,
    Day,
    DayYear,
    Full,
}

const TIME: [(&str, &str); 3] = [("hour", "2-digit"), ("minute", "2-digit"), ("hourCycle", "h23")];
const DAY: [(&str, &str); 2] = [("month", "short"), ("day", "numeric")];

impl Shape {
    /// `Intl.DateTimeFormat`'s options for this shape.
    fn options(self) -> js_sys::Object {
        let weekday = ("weekday", "short");
        let year = ("year", "numeric");
        match self {
            Shape::Time => options(&TIME),
            Shape::WeekdayTime => options(&[weekday, TIME[0], TIME[1], TIME[2]]),
            Shape::Day => options(&DAY),
            Shape::DayYear => options(&[DAY[0], DAY[1], year]),
            Shape::Full => options(&[weekday, year, DAY[0], DAY[1], TIME[0], TIME[1], TIME[2]]),
        }
    }
}

thread_local! {
    /// Creating an `Intl.DateTimeFormat` costs far more than using one, and a
    /// long list formats thousands of dates: keep one per language and shape.
    static FORMATS: RefCell<HashMap<(&'static str, Shape), js_sys::Function>> = RefCell::new(HashMap::new());
}

/// The `Intl.DateTimeFormat` of the page's language for `shape`, made once.
fn formatter(shape: Shape) -> js_sys::Function {
    let lang = i18n::lang();
    FORMATS.with(|cache| {
        cache
            .borrow_mut()
            .entry((lang, shape))
            .or_insert_with(|| {
                let locales = js_sys::Array::of1(&JsValue::from_str(lang));
                js_sys::Intl::DateTimeFormat::new(&locales, &shape.options()).format()
            })
            .clone()
    })
}

/// Formats `ts_ms` in `shape`.
fn intl(ts_ms: i64, shape: Shape) -> Option<String> {
    let date = js_sys::Date::new(&JsValue::from_f64(ts_ms as f64));
    formatter(shape).call1(&JsValue::NULL, &date).ok()?.as_string()
}

/// Makes the list's formats ahead of use: the browser's first
/// `Intl.DateTimeFormat`s load its locale data (about 20 ms at start-up,
/// measured), which is better spent while the first requests are in flight
/// than while the list renders.
pub fn prepare() {
    for shape in [Shape::Time, Shape::WeekdayTime, Shape::Day, Shape::DayYear] {
        formatter(shape);
    }
}

/// "15:14", "Fri 15:14", "Mar 6" or "Dec 29, 2021" (in the page's language).
pub fn last_activity(ts_ms: i64) -> String {
    let now = browser::now_ms() as i64;
    let label = activity_label(ts_ms, browser::local_time(ts_ms), now, browser::local_time(now));
    let text = match label {
        ActivityLabel::Today(_) => intl(ts_ms, Shape::Time),
        ActivityLabel::ThisWeek(_) => intl(ts_ms, Shape::WeekdayTime),
        ActivityLabel::ThisYear(_) => intl(ts_ms, Shape::Day),
        ActivityLabel::Older(_) => intl(ts_ms, Shape::DayYear),
    };
    text.unwrap_or_else(|| label.to_english())
}

/// "Fri, Mar 6, 2026, 15:14" (in the page's language).
pub fn full_date(ts_ms: i64) -> String {
    intl(ts_ms, Shape::Full).unwrap_or_else(|| full_date_english(&browser::local_time(ts_ms)))
}

/// Text folded for searching: decomposed (`normalize("NFD")`), without
/// combining marks, lower case — so "Café" is found by "cafe".
pub fn fold(text: &str) -> String {
    let decomposed: String = js_sys::JsString::from(text).normalize("NFD").into();
    decomposed
        .chars()
        .filter(|c| !matches!(*c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F))
        .flat_map(char::to_lowercase)
        .collect()
}

thread_local! {
    static COLLATOR: RefCell<Option<(&'static str, js_sys::Function)>> = const { RefCell::new(None) };
}

/// Compares two names as the page's language sorts them (`Intl.Collator`,
/// numbers by value: "Laptop 2" before "Laptop 10").
pub fn collate(a: &str, b: &str) -> std::cmp::Ordering {
    let lang = i18n::lang();
    let compare = COLLATOR.with(|slot| {
        let mut slot = slot.borrow_mut();
        if slot.as_ref().is_none_or(|(l, _)| *l != lang) {
            let locales = js_sys::Array::of1(&JsValue::from_str(lang));
            let collator = js_sys::Intl::Collator::new(&locales, &options(&[("numeric", "true")]));
            *slot = Some((lang, collator.compare()));
        }
        slot.as_ref().map(|(_, f)| f.clone())
    });
    let result = compare
        .and_then(|f| f.call2(&JsValue::NULL, &JsValue::from_str(a), &JsValue::from_str(b)).ok())
        .and_then(|v| v.as_f64());
    match result {
        Some(n) if n < 0.0 => std::cmp::Ordering::Less,
        Some(n) if n > 0.0 => std::cmp::Ordering::Greater,
        Some(_) => std::cmp::Ordering::Equal,
        None => a.cmp(b),
    }
}
