//! Offset pagination (`from` / `next_token`) as a stream of pages, so that `--all`
//! holds one page in memory however many items the server has.

use super::types;
use crate::Error;
use futures::Stream;
use std::future::Future;

/// A reply that is one page of an offset-paginated list.
pub trait Page {
    type Item;
    /// How many items the whole list has.
    fn total(&self) -> i64;
    /// The page's items and the offset of the next page, if there is one.
    fn split(self) -> Result<(Vec<Self::Item>, Option<i64>), Error>;
}

/// A `next_token` Synapse sends as a decimal string, as an offset.
fn string_offset(token: Option<String>) -> Result<Option<i64>, Error> {
    token
        .map(|t| {
            t.parse().map_err(|_| Error::NonMatrix {
                status: Some(200),
                snippet: format!("next_token {t:?} is not an offset"),
            })
        })
        .transpose()
}

/// `impl Page` for a list reply: its items' field, its total's field, and its next page's
/// offset field, which Synapse sends as an integer (`int`) or as a decimal string (`text`).
macro_rules! offset_page {
    ($page:ty, $item:ty, $items:ident, $total:ident, $next:ident: int) => {
        impl Page for $page {
            type Item = $item;
            fn total(&self) -> i64 {
                self.$total
            }
            fn split(self) -> Result<(Vec<Self::Item>, Option<i64>), Error> {
                Ok((self.$items, self.$next))
            }
        }
    };
    ($page:ty, $item:ty, $items:ident, $total:ident, $next:ident: text) => {
        impl Page for $page {
            type Item = $item;
            fn total(&self) -> i64 {
                self.$total
            }
            fn split(self) -> Result<(Vec<Self::Item>, Option<i64>), Error> {
                let next = string_offset(self.$next)?;
                Ok((self.$items, next))
            }
        }
    };
}

offset_page!(types::UserList, types::UserListEntry, users, total, next_token: text);
offset_page!(types::DestinationList, types::Destination, destinations, total, next_token: text);
offset_page!(types::DestinationRoomList, types::DestinationRoom, rooms, total, next_token: text);
offset_page!(types::UserMediaList, types::LocalMedia, media, total, next_token: int);
offset_page!(types::RoomList, types::RoomListEntry, rooms, total_rooms, next_batch: int);
offset_page!(types::EventReportList, types::EventReport, event_reports, total, next_token: int);
offset_page!(types::UserReportList, types::UserReport, user_reports, total, next_token: int);
offset_page!(types::UserMediaStatsList, types::UserMediaStats, users, total, next_token: int);

impl Page for types::QuarantineChanges {
    type Item = types::QuarantineChange;
    /// The server sends no total: this is the page's count.
    fn total(&self) -> i64 {
        self.changes.len() as i64
    }
    fn split(self) -> Result<(Vec<Self::Item>, Option<i64>), Error> {
        // next_batch is a stream position, sent on every page; an empty page is the end.
        let next = (!self.changes.is_empty()).then_some(self.next_batch);
        Ok((self.changes, next))
    }
}

/// Fetches pages starting at offset `from`, following `next_token` until the server
/// sends none. Stops with an error if the server's token does not move forward.
pub fn pages<P, F, Fut>(from: i64, fetch: F) -> impl Stream<Item = Result<Vec<P::Item>, Error>>
where
    P: Page,
    F: FnMut(i64) -> Fut,
    Fut: Future<Output = Result<P, Error>>,
{
    futures::stream::try_unfold((Some(from), fetch), |(at, mut fetch)| async move {
        let Some(at) = at else { return Ok(None) };
        let (items, next) = fetch(at).await?.split()?;
        if let Some(next) = next
            && (next <= at || items.is_empty())
        {
            return Err(Error::NonMatrix {
                status: Some(200),
                snippet: format!("pagination does not advance (from {at}, next_token {next})"),
            });
        }
        Ok(Some((items, (next, fetch))))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::TryStreamExt;

    struct Fake(Vec<u32>, Option<i64>);
    impl Page for Fake {
        type Item = u32;
        fn total(&self) -> i64 {
            0
        }
        fn split(self) -> Result<(Vec<u32>, Option<i64>), Error> {
            Ok((self.0, self.1))
        }
    }

    fn run<F: FnMut(i64) -> Fake>(mut f: F) -> Result<Vec<Vec<u32>>, Error> {
        let mut calls = 0;
        let stream = pages(0, move |at| {
            // A stream that does not stop fails the test instead of hanging it.
            calls += 1;
            assert!(calls <= 10, "still fetching after 10 pages");
            let page = f(at);
            async move { Ok(page) }
        });
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(stream.try_collect())
    }

    #[test]
    fn follows_next_token_to_the_end() {
        let got = run(|at| match at {
            0 => Fake(vec![1, 2], Some(2)),
            2 => Fake(vec![3, 4], Some(4)),
            _ => Fake(vec![5], None),
        })
        .unwrap();
        assert_eq!(got, vec![vec![1, 2], vec![3, 4], vec![5]]);
    }

    #[test]
    fn room_list_pages_on_next_batch_and_counts_total_rooms() {
        let page: types::RoomList = serde_json::from_value(serde_json::json!({
            "rooms": [{
                "room_id": "!a", "name": null, "canonical_alias": null, "joined_members": 1,
                "joined_local_members": 1, "version": "12", "creator": "@c:x", "encryption": null,
                "federatable": true, "public": false, "join_rules": "invite", "guest_access": null,
                "history_visibility": "shared", "state_events": 6, "room_type": null
            }],
            "offset": 4, "total_rooms": 9, "next_batch": 5, "prev_batch": 3
        }))
        .unwrap();
        assert_eq!(page.total(), 9);
        let (rooms, next) = page.split().unwrap();
        assert_eq!(next, Some(5));
        assert_eq!(rooms.len(), 1);
        assert_eq!(rooms[0].room_id, "!a");

        let last: types::RoomList = serde_json::from_value(
            serde_json::json!({ "rooms": [], "offset": 9, "total_rooms": 9, "prev_batch": 8 }),
        )
        .unwrap();
        assert_eq!(last.split().unwrap(), (vec![], None));
    }

    #[test]
    fn a_token_that_does_not_advance_is_an_error() {
        let got = run(|_| Fake(vec![1], Some(0)));
        assert!(matches!(got, Err(Error::NonMatrix { .. })));
        // An empty page that promises more would be fetched again and again.
        let got = run(|at| Fake(vec![], Some(at + 5)));
        assert_eq!(
            got.unwrap_err().to_string(),
            "the server's reply is not a Matrix reply (HTTP 200): pagination does not advance \
             (from 0, next_token 5)"
        );
    }

    #[test]
    fn user_list_pages_on_a_decimal_next_token_and_counts_total() {
        let page = |next: serde_json::Value| -> types::UserList {
            serde_json::from_value(serde_json::json!({"users": [], "total": 7, "next_token": next}))
                .unwrap()
        };
        assert_eq!(page("100".into()).total(), 7);
        assert_eq!(page("100".into()).split().unwrap(), (vec![], Some(100)));
        assert_eq!(page(serde_json::Value::Null).split().unwrap(), (vec![], None));
        let err = page("abc".into()).split().unwrap_err();
        assert_eq!(
            err.to_string(),
            "the server's reply is not a Matrix reply (HTTP 200): next_token \"abc\" is not an offset"
        );
    }
}
