//! A deterministic guard of the list path's cost: allocations counted per listed item, for
//! the machine formats (the reply decoded as the client does, then printed from its bytes) and
//! for the human table (decoded, made a tree per item, rendered). Counts, not timings: a change
//! that makes the path allocate per item again fails here, whatever the machine's speed.
//! The bounds sit a little above the counts measured when they were set (see each test).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use synadm::api::types;
use synadm::output::{self, Format, Style, View};

/// Counts the allocations (and reallocations) of the thread that asked for it.
struct Counting;

thread_local! {
    static COUNT: Cell<Option<usize>> = const { Cell::new(None) };
}

fn bump() {
    let _ = COUNT.try_with(|c| {
        if let Some(n) = c.get() {
            c.set(Some(n + 1));
        }
    });
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f`, counting this thread's allocations.
fn allocations<R>(f: impl FnOnce() -> R) -> (R, usize) {
    COUNT.with(|c| c.set(Some(0)));
    let r = f();
    let n = COUNT.with(|c| c.replace(None)).unwrap_or(0);
    (r, n)
}

const USERS: usize = 5000;

/// A page of the v2 user list as Synapse 1.163 sends it (compact JSON, its key order).
fn users_page() -> Vec<u8> {
    let users: Vec<String> = (0..USERS)
        .map(|i| {
            format!(
                r#"{{"name":"@bench{i:07}:test.local","user_type":null,"is_guest":false,"admin":false,"deactivated":false,"shadow_banned":false,"displayname":"Bench User {i}","avatar_url":null,"creation_ts":1796533912,"approved":true,"erased":false,"last_seen_ts":null,"locked":false,"suspended":false}}"#
            )
        })
        .collect();
    format!(r#"{{"users":[{}],"next_token":"{USERS}","total":{}}}"#, users.join(","), USERS * 2)
        .into_bytes()
}

fn style(format: Format) -> Style {
    Style { format, width: None, note: None }
}

#[test]
fn the_machine_formats_print_a_page_with_few_allocations_per_user() {
    let body = users_page();
    for format in [Format::Json, Format::Minified] {
        let mut out = Vec::with_capacity(body.len() * 3);
        let (_, n) = allocations(|| {
            let page: types::UserList = serde_json::from_slice(&body).expect("decodes");
            output::print_body(&mut out, format, &body).expect("prints");
            page
        });
        let per_user = n as f64 / USERS as f64;
        eprintln!("{format}: {n} allocations, {per_user:.2} per user");
        // Measured 2026-12-06: 6.0 per user, all of them the typed decode (its strings);
        // printing from the bytes adds a few buffers per page. The path it replaced (a tree
        // per user, serialised again) cost 40 more per user.
        assert!(per_user <= 7.0, "{format}: {per_user:.2} allocations per user");
    }
}

#[test]
fn all_pages_stream_in_json_with_few_allocations_per_user() {
    let body = users_page();
    for format in [Format::Json, Format::Minified] {
        let mut out = Vec::with_capacity(body.len() * 3);
        let (_, n) = allocations(|| {
            let page: types::UserList = serde_json::from_slice(&body).expect("decodes");
            let mut list = output::ListWriter::new(&mut out, style(format), View::PLAIN);
            assert!(list.page_typed(&page.users).expect("writes"));
            list.finish().expect("ends")
        });
        let per_user = n as f64 / USERS as f64;
        eprintln!("--all {format}: {n} allocations, {per_user:.2} per user");
        // Measured 2026-12-06: 6.0 per user (the decode); a tree per user costs 40 more.
        assert!(per_user <= 7.0, "{format}: {per_user:.2} allocations per user");
    }
}

#[test]
fn the_human_table_renders_a_page_with_bounded_allocations_per_user() {
    let body = users_page();
    let view = View::new(&["name", "displayname", "admin", "deactivated"]);
    let mut text = Vec::with_capacity(body.len() * 2);
    let (_, n) = allocations(|| {
        let page: types::UserList = serde_json::from_slice(&body).expect("decodes");
        let mut list = output::ListWriter::new(&mut text, style(Format::Human), view);
        assert!(list.page_typed(&page.users).expect("writes"), "typed rows");
        list.finish().expect("ends")
    });
    let text = String::from_utf8(text).expect("text");
    assert_eq!(text.lines().count(), USERS + 2);
    assert!(
        text.lines()
            .nth(2)
            .unwrap()
            .starts_with("@bench0000000:test.local  Bench User 0     false  false"),
        "{}",
        &text[..400]
    );
    let per_user = n as f64 / USERS as f64;
    eprintln!("human: {n} allocations, {per_user:.2} per user");
    // Measured 2026-12-06: 22.0 per user (decode 6, the cells and their short-lived field
    // values the rest). A tree per item, as before typed rows, cost 40.
    assert!(per_user <= 25.0, "{per_user:.2} allocations per user");
}
