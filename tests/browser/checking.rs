//! "Check these results" on a results page, pressed as a reader would.

use std::time::{Duration as StdDuration, Instant};

use crate::support::Browser;

/// Presses "Check these results" and waits for the verdict: `ok`, `wrong` or `failed`, and
/// per check whether it passed.
pub async fn press_check(browser: &Browser) -> (String, Vec<(String, bool)>) {
    browser.find("#check-run").await.click().await.unwrap();
    let started = Instant::now();
    loop {
        let state = browser
            .client
            .execute(
                "const s = document.getElementById('check'); return [s.getAttribute('data-checked'), \
                 Array.from(document.querySelectorAll('#check-list li')).map(li => \
                 [li.getAttribute('data-check'), li.getAttribute('data-ok') === 'true'])];",
                vec![],
            )
            .await
            .unwrap();
        if let Some(verdict) = state[0].as_str() {
            let items = state[1]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| (i[0].as_str().unwrap().to_owned(), i[1].as_bool().unwrap()))
                .collect();
            return (verdict.to_owned(), items);
        }
        assert!(
            started.elapsed() < StdDuration::from_secs(20),
            "the check gave no verdict"
        );
        tokio::time::sleep(StdDuration::from_millis(50)).await;
    }
}
