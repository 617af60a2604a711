//! The editor's form: what it sends, and where its problems land.

use super::*;

#[test]
fn form_dates_are_utc() {
    assert_eq!(
        from_local_input("2027-01-31T12:00"),
        json!("2027-01-31T12:00:00Z")
    );
    assert_eq!(to_local_input("2027-01-31T12:00:00Z"), "2027-01-31T12:00");
    assert_eq!(from_local_input("tomorrow"), json!("tomorrow"));
}

#[test]
fn the_single_inputs_are_the_title_the_brief_and_the_rules_fields() {
    let mut inputs: Vec<&str> = single_fields().collect();
    inputs.sort_unstable();
    let mut expected = [
        "title",
        "brief",
        "opens_at",
        "submission_deadline",
        "judging_deadline",
        "currency",
        "minimum_score",
        "fallback_policy",
        "fallback_n",
        "no_entry_beneficiary",
        "max_ideas_per_person",
        "blind_judging",
        "publish_ideas",
        "eligibility",
        "ip_terms",
        "min_jurors",
    ];
    expected.sort_unstable();
    assert_eq!(inputs, expected);
}

/// A new contest's form with what it lacks filled in: valid rules.
pub(super) fn valid_editor() -> Editor {
    let now = "2027-01-01T00:00:00Z".parse().unwrap();
    let mut editor = Editor::new_contest(now);
    editor.prizes[0] = PrizeRow {
        label: "First".into(),
        amount: "1 500,50".into(),
        ..PrizeRow::default()
    };
    editor.set("no_entry_beneficiary", "A charity".into());
    editor.set("eligibility", "Adults".into());
    editor.set("ip_terms", "Licence".into());
    editor
}

/// The rules document of [`valid_editor`].
pub(super) fn valid_document() -> Value {
    valid_editor().rules().0
}

#[test]
fn the_new_contest_form_describes_valid_rules_with_every_field() {
    let editor = valid_editor();
    let (document, criteria_rows, prize_rows) = editor.rules();
    let keys: Vec<&String> = document.as_object().unwrap().keys().collect();
    // Every field but the judging structure's (issue 20), which is written only when the form
    // declares one: absent, the rules document and its hash stay as they always were.
    let structure = ["aggregation", "tracks", "rounds"];
    let mut fields: Vec<&str> = (rules::FIELDS.into_iter())
        .filter(|f| !structure.contains(f))
        .collect();
    fields.sort_unstable();
    assert_eq!(keys, fields);
    assert_eq!((criteria_rows, prize_rows), (vec![0], vec![0]));
    assert_eq!(document["prizes"][0]["amount_cents"], json!(150_050));
    assert_eq!(document["opens_at"], json!("2027-01-08T12:00:00Z"));
    assert_eq!(document["fallback"], json!({"policy": "best_anyway"}));
    assert_eq!(document["publish_ideas"], json!(false));
    let parsed = rules::Rules::parse(&document).unwrap();
    assert_eq!(parsed.min_jurors, 1);
    assert!(parsed.blind_judging);
}

/// The editor's form with `change` made, saved: its problems placed in `lang`.
fn refused(lang: &str, change: impl FnOnce(&mut Editor)) -> Editor {
    let mut editor = valid_editor();
    change(&mut editor);
    let (document, criteria_rows, prize_rows) = editor.rules();
    let errors: Vec<FieldError> = rules::Rules::parse(&document)
        .expect_err("refused")
        .into_iter()
        .map(|e| FieldError {
            path: e.path,
            message: e.message,
        })
        .collect();
    editor.place_errors(lang, &errors, &criteria_rows, &prize_rows);
    editor
}

fn summary(editor: &Editor) -> Vec<(Option<&str>, &str)> {
    editor
        .summary
        .iter()
        .map(|i| (i.id.as_deref(), i.message.as_str()))
        .collect()
}

#[test]
fn an_amount_that_is_not_one_is_refused_on_the_amount_once() {
    let editor = refused("en", |e| {
        e.prizes[1].label = "Second".into();
        e.prizes[1].amount = "lots".into();
    });
    let message = "Prize 2 — amount: use an amount greater than zero, such as 1500 or 1500.50.";
    assert_eq!(editor.prizes[1].amount_error, message);
    assert_eq!(editor.prizes[1].label_error, "");
    assert_eq!(summary(&editor), [(Some("prize_1_amount"), message)]);
}

#[test]
fn a_weight_of_zero_is_refused_on_the_weight() {
    let editor = refused("en", |e| e.criteria[0].weight = "0".into());
    assert_eq!(editor.criteria[0].label_error, "");
    assert_eq!(
        editor.criteria[0].weight_error,
        "Criterion 1 — weight: use a whole number from 1 to 100."
    );
}

#[test]
fn blank_cells_say_one_thing_each_in_french() {
    let editor = refused("fr", |e| {
        e.criteria[2].label = "Coût".into();
        e.prizes[0] = PrizeRow::default();
    });
    assert_eq!(
        summary(&editor),
        [
            (
                Some("criterion_2_weight"),
                "Critère 3 — poids\u{202f}: indiquez un nombre entier de 1 à 100."
            ),
            (
                Some("criterion_2_max"),
                "Critère 3 — note maximale\u{202f}: indiquez un nombre entier de 1 à 100."
            ),
            (
                Some("prize_0_label"),
                "Prix\u{202f}: indiquez de 1 à 20 prix."
            ),
        ]
    );
}

#[test]
fn two_criteria_with_one_name_are_told_on_the_second() {
    let editor = refused("en", |e| {
        e.criteria[1].label = "impact".into();
        e.criteria[1].weight = "1".into();
        e.criteria[1].max = "5".into();
    });
    assert_eq!(
        summary(&editor),
        [(
            Some("criterion_1_label"),
            "Criterion 2 — name: each criterion needs its own name."
        )]
    );
}

#[test]
fn single_fields_are_named_and_dates_told_in_order() {
    let editor = refused("en", |e| {
        e.set("judging_deadline", "2027-01-02T12:00".into());
        e.set("submission_deadline", "soon".into());
        e.set("currency", "EURO".into());
        e.set("fallback_policy", "split_top".into());
        e.set("fallback_n", "".into());
        e.set("eligibility", " ".into());
    });
    assert_eq!(
        summary(&editor),
        [
            (
                Some("submission_deadline"),
                "Submission deadline: enter a date and a time."
            ),
            (
                Some("currency"),
                "Currency: use a three-letter currency code, such as EUR or USD."
            ),
            (
                Some("fallback_n"),
                "How many ideas share: use a whole number from 1 to 1000."
            ),
            (Some("eligibility"), "Who can take part: fill this in."),
        ]
    );
    let editor = refused("en", |e| {
        e.set("submission_deadline", "2027-01-02T12:00".into())
    });
    assert_eq!(
        editor.fields["submission_deadline"].error,
        "Submission deadline: must come after the opening."
    );
}

#[test]
fn an_error_the_editor_has_no_input_for_goes_in_the_summary_only() {
    let mut editor = Editor::default();
    editor.pad();
    let errors = [FieldError {
        path: "rules.surprise".into(),
        message: "This is not a field of the rules.".into(),
    }];
    editor.place_errors("en", &errors, &[], &[]);
    assert_eq!(
        summary(&editor),
        [(None, "rules.surprise: This is not a field of the rules.")]
    );
}
