//! Charts for the dashboard, drawn on the server as inline SVG, because the pages' CSP allows
//! neither scripts nor inline styles.
//!
//! Only SVG presentation attributes and the classes `chart`, `chart-axis`, `chart-bar`,
//! `chart-line`, `chart-point` and `chart-label` are used, never `style=`; colours are
//! `currentColor`, so a chart takes the text colour unless the stylesheet says otherwise. Every
//! outside text (title, labels) is escaped. Each chart is an `img` for assistive technology,
//! named by its `<title>` and summed up in one sentence by its `<desc>`; each bar and point also
//! carries its own `<title>` with its label and value. These text alternatives are in the
//! reader's language (`lang`; texts `chart_*` of the catalogue).
//!
//! The markup is assembled here rather than in a template because it is geometry computed
//! point by point; it is handed to the templates as one trusted string.

/// The drawing's size (the `viewBox`; the stylesheet scales it to the page).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 240.0;
/// The plot area inside it: room on the left for the axis values and below for the labels.
const PLOT_LEFT: f64 = 48.0;
const PLOT_RIGHT: f64 = 628.0;
const PLOT_TOP: f64 = 16.0;
const PLOT_BOTTOM: f64 = 200.0;
/// At most this many labels under the bars, so that they do not run into each other.
const MAX_LABELS: usize = 12;
/// A label longer than this is shortened under the axis (its bar's tooltip keeps it whole).
const LABEL_CHARS: usize = 14;
/// Above this many points, the line is drawn without a marker per point.
const MAX_POINT_MARKERS: usize = 60;

/// Vertical bars, one per (label, value).
///
/// The bars start at 0; a value below zero or not finite is drawn as 0. The tallest bar fills
/// the plot's height.
pub fn bar_chart(id: &str, title: &str, bars: &[(String, f64)], lang: &str) -> String {
    let id = safe_id(id);
    let values: Vec<f64> = bars.iter().map(|&(_, value)| drawable(value)).collect();
    let top = values.iter().copied().fold(0.0, f64::max);
    let n = bars.len().to_string();
    let desc = match values.iter().position(|&value| value == top) {
        None => say(lang, "chart_no_data", &[]),
        Some(_) if top == 0.0 && bars.len() == 1 => say(lang, "chart_bar_zero", &[]),
        Some(_) if top == 0.0 => say(lang, "chart_bars_zero", &[("n", &n)]),
        Some(i) if bars.len() == 1 => say(
            lang,
            "chart_bar",
            &[("label", &bars[i].0), ("value", &spoken(top, lang))],
        ),
        Some(i) => say(
            lang,
            "chart_bars",
            &[
                ("n", &n),
                ("label", &bars[i].0),
                ("value", &spoken(top, lang)),
            ],
        ),
    };
    let mut svg = open(&id, title, &desc);
    svg.push_str(&axis(top));
    let slot = (PLOT_RIGHT - PLOT_LEFT) / bars.len().max(1) as f64;
    let label_every = bars.len().div_ceil(MAX_LABELS).max(1);
    for (i, ((label, _), &value)) in bars.iter().zip(&values).enumerate() {
        let height = scaled_height(value, top);
        let left = PLOT_LEFT + slot * i as f64;
        svg.push_str(&format!(
            r#"<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="currentColor"><title>{}</title></rect>"#,
            format_number(left + slot * 0.15),
            format_number(PLOT_BOTTOM - height),
            format_number(slot * 0.7),
            format_number(height),
            escape(&say(lang, "chart_value", &[("label", label), ("value", &spoken(value, lang))])),
        ));
        if i % label_every == 0 {
            svg.push_str(&label_text(
                left + slot / 2.0,
                PLOT_BOTTOM + 16.0,
                "middle",
                label,
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A line through (label, value) points in order (e.g. cumulative ideas per day); labels of the first and last point shown under the axis.
///
/// As with bars, the axis starts at 0 and a value below zero or not finite is drawn as 0.
pub fn line_chart(id: &str, title: &str, points: &[(String, f64)], lang: &str) -> String {
    let id = safe_id(id);
    let values: Vec<f64> = points.iter().map(|&(_, value)| drawable(value)).collect();
    let top = values.iter().copied().fold(0.0, f64::max);
    let desc = match (points.first(), points.last()) {
        (Some((first, _)), Some((last, _))) => say(
            lang,
            "chart_points",
            &[
                ("n", &points.len().to_string()),
                ("first", first),
                ("from", &spoken(values[0], lang)),
                ("last", last),
                ("to", &spoken(values[values.len() - 1], lang)),
                ("top", &spoken(top, lang)),
            ],
        ),
        _ => say(lang, "chart_no_data", &[]),
    };
    let mut svg = open(&id, title, &desc);
    svg.push_str(&axis(top));
    let step = (PLOT_RIGHT - PLOT_LEFT) / points.len().saturating_sub(1).max(1) as f64;
    let coordinates: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let x = if points.len() == 1 {
                (PLOT_LEFT + PLOT_RIGHT) / 2.0
            } else {
                PLOT_LEFT + step * i as f64
            };
            (x, PLOT_BOTTOM - scaled_height(value, top))
        })
        .collect();
    if coordinates.len() >= 2 {
        let path: Vec<String> = coordinates
            .iter()
            .map(|&(x, y)| format!("{},{}", format_number(x), format_number(y)))
            .collect();
        svg.push_str(&format!(
            r#"<polyline class="chart-line" points="{}" fill="none" stroke="currentColor" stroke-width="2" stroke-linejoin="round"/>"#,
            path.join(" ")
        ));
    }
    if coordinates.len() <= MAX_POINT_MARKERS {
        for (((label, _), &value), &(x, y)) in points.iter().zip(&values).zip(&coordinates) {
            svg.push_str(&format!(
                r#"<circle class="chart-point" cx="{}" cy="{}" r="3" fill="currentColor"><title>{}</title></circle>"#,
                format_number(x),
                format_number(y),
                escape(&say(lang, "chart_value", &[("label", label), ("value", &spoken(value, lang))])),
            ));
        }
    }
    match points {
        [] => {}
        [(only, _)] => svg.push_str(&label_text(
            (PLOT_LEFT + PLOT_RIGHT) / 2.0,
            PLOT_BOTTOM + 16.0,
            "middle",
            only,
        )),
        [(first, _), .., (last, _)] => {
            svg.push_str(&label_text(PLOT_LEFT, PLOT_BOTTOM + 16.0, "start", first));
            svg.push_str(&label_text(PLOT_RIGHT, PLOT_BOTTOM + 16.0, "end", last));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// The opening tag, title and description, all named after the chart's id.
fn open(id: &str, title: &str, desc: &str) -> String {
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {} {}" class="chart"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        format_number(WIDTH),
        format_number(HEIGHT),
        escape(title),
        escape(desc),
    )
}

/// The two axes, with 0 at the bottom and the largest value at the top (once when it is 0).
fn axis(top: f64) -> String {
    let mut svg = format!(
        r#"<g class="chart-axis" stroke="currentColor" stroke-width="1" fill="none"><line x1="{left}" y1="{}" x2="{left}" y2="{bottom}"/><line x1="{left}" y1="{bottom}" x2="{}" y2="{bottom}"/></g>"#,
        format_number(PLOT_TOP),
        format_number(PLOT_RIGHT),
        left = format_number(PLOT_LEFT),
        bottom = format_number(PLOT_BOTTOM),
    );
    svg.push_str(&value_text(PLOT_BOTTOM, 0.0));
    if top > 0.0 {
        svg.push_str(&value_text(PLOT_TOP, top));
    }
    svg
}

/// A value on the vertical axis, right-aligned against it.
fn value_text(y: f64, value: f64) -> String {
    format!(
        r#"<text class="chart-label" x="{}" y="{}" text-anchor="end" dominant-baseline="middle" font-size="11" fill="currentColor">{}</text>"#,
        format_number(PLOT_LEFT - 6.0),
        format_number(y),
        format_number(value),
    )
}

/// A label under the horizontal axis, shortened to [`LABEL_CHARS`].
fn label_text(x: f64, y: f64, anchor: &str, label: &str) -> String {
    let shown: String = if label.chars().count() > LABEL_CHARS {
        label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
    } else {
        label.to_string()
    };
    format!(
        r#"<text class="chart-label" x="{}" y="{}" text-anchor="{anchor}" font-size="11" fill="currentColor">{}</text>"#,
        format_number(x),
        format_number(y),
        escape(&shown),
    )
}

/// The height of a value in the plot: the largest value fills it, nothing divides by zero.
fn scaled_height(value: f64, top: f64) -> f64 {
    if top > 0.0 {
        (value / top).clamp(0.0, 1.0) * (PLOT_BOTTOM - PLOT_TOP)
    } else {
        0.0
    }
}

/// What can be drawn from 0 up: negative and non-finite values become 0.
fn drawable(value: f64) -> f64 {
    if value.is_finite() && value > 0.0 {
        value
    } else {
        0.0
    }
}

/// The caller's id with everything but `[a-zA-Z0-9_-]` dropped ("chart" if nothing is left), so
/// that it is safe inside attributes and as a fragment reference.
fn safe_id(id: &str) -> String {
    let safe: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if safe.is_empty() {
        "chart".to_string()
    } else {
        safe
    }
}

/// Text made safe for XML content and attribute values; control characters, which XML 1.0
/// forbids, are dropped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A text of the catalogue in `lang` with its `{placeholders}` filled in one pass, so that a
/// label that itself reads `{value}` stays as it is.
fn say(lang: &str, key: &str, values: &[(&str, &str)]) -> String {
    let template = crate::web::i18n::texts(lang)
        .get(key)
        .map_or(key, String::as_str);
    let mut out = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| {
            values
                .iter()
                .find(|(name, _)| *name == &after[..close])
                .map(|(_, v)| (close, v))
        }) {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A number as the text alternatives say it: [`format_number`], with a decimal comma in
/// French.
fn spoken(value: f64, lang: &str) -> String {
    let text = format_number(value);
    if lang == "fr" {
        text.replace('.', ",")
    } else {
        text
    }
}

/// A number without needless decimals: an integer as an integer, anything else rounded to one
/// decimal ("3", "2.5", never "3.0" or "-0").
fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "0".to_string();
    }
    if value.abs() >= 1e15 {
        return format!("{value:.0}");
    }
    // `+ 0.0` turns a rounded −0 into 0.
    let tenths = (value * 10.0).round() / 10.0 + 0.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The charts in English (these local names shadow the module's).
    fn bar_chart(id: &str, title: &str, bars: &[(String, f64)]) -> String {
        super::bar_chart(id, title, bars, "en")
    }

    fn line_chart(id: &str, title: &str, points: &[(String, f64)]) -> String {
        super::line_chart(id, title, points, "en")
    }

    #[test]
    fn the_text_alternatives_speak_french_to_a_french_reader() {
        let data = bars(&[("lun.", 2.5), ("{value}", 1.0)]);
        let bar = super::bar_chart("f", "Idées", &data, "fr");
        assert!(
            bar.contains("2 barres\u{202f}; la plus haute est lun.\u{202f}: 2,5."),
            "{bar}"
        );
        assert!(bar.contains("<title>{value}\u{202f}: 1</title>"), "{bar}");
        let line = super::line_chart("f", "Idées", &data, "fr");
        assert!(
            line.contains(
                "2 points, de lun.\u{202f}: 2,5 à {value}\u{202f}: 1\u{202f}; le plus haut est 2,5."
            ),
            "{line}"
        );
        assert!(super::bar_chart("f", "t", &[], "fr").contains(">Aucune donnée.</desc>"));
        let zero = super::bar_chart("f", "t", &bars(&[("a", 0.0)]), "fr");
        assert!(zero.contains(">Une barre, à zéro.</desc>"), "{zero}");
        let one = super::bar_chart("f", "t", &bars(&[("a", 3.0)]), "fr");
        assert!(
            one.contains(">Une barre\u{202f}: a\u{202f}: 3.</desc>"),
            "{one}"
        );
    }

    fn bars(pairs: &[(&str, f64)]) -> Vec<(String, f64)> {
        pairs
            .iter()
            .map(|&(label, value)| (label.to_string(), value))
            .collect()
    }

    /// The value of every `name="…"` attribute on elements of class `class`.
    fn attributes(svg: &str, class: &str, name: &str) -> Vec<String> {
        svg.split(&format!(r#"class="{class}""#))
            .skip(1)
            .filter_map(|rest| {
                let tag = &rest[..rest.find('>')?];
                let start = tag.find(&format!(r#" {name}=""#))? + name.len() + 3;
                let length = tag[start..].find('"')?;
                Some(tag[start..start + length].to_string())
            })
            .collect()
    }

    fn assert_well_formed(svg: &str) {
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.ends_with("</svg>"), "{svg}");
        assert!(svg.contains("<title"), "{svg}");
        assert!(svg.contains("<desc"), "{svg}");
        assert!(!svg.contains("style="), "{svg}");
        assert_eq!(svg.matches("<svg").count(), 1);
    }

    #[test]
    fn outside_text_is_escaped() {
        let hostile = r#"<script>alert("x")</script> & 'y'"#;
        for svg in [
            bar_chart("ideas", hostile, &bars(&[(hostile, 3.0), ("ok", 1.0)])),
            line_chart("ideas", hostile, &bars(&[(hostile, 1.0), (hostile, 2.0)])),
        ] {
            assert_well_formed(&svg);
            assert!(!svg.to_lowercase().contains("<script"), "{svg}");
            assert!(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
            assert!(svg.contains("&amp; &#39;y&#39;"));
        }
        assert_eq!(escape("a\u{0}b\u{1b}c\nd"), "abc\nd");
    }

    #[test]
    fn the_root_names_its_title_and_description() {
        let svg = bar_chart("per-day_1", "Ideas", &bars(&[("Mon", 2.0)]));
        assert!(svg.starts_with(
            r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="per-day_1-title per-day_1-desc" viewBox="0 0 640 240" class="chart">"#
        ));
        assert!(svg.contains(r#"<title id="per-day_1-title">Ideas</title>"#));
        assert!(svg.contains(r#"<desc id="per-day_1-desc">One bar: Mon: 2.</desc>"#));
    }

    #[test]
    fn the_id_is_sanitised() {
        let svg = bar_chart(r#"a"b <c>&d é-1_"#, "t", &[]);
        assert!(svg.contains(r#"aria-labelledby="abcd-1_-title abcd-1_-desc""#));
        assert!(svg.contains(r#"<title id="abcd-1_-title">"#));
        assert_eq!(safe_id("\"<>"), "chart");
        assert_eq!(safe_id(""), "chart");
    }

    #[test]
    fn empty_data_draws_only_the_axis() {
        for svg in [bar_chart("e", "Empty", &[]), line_chart("e", "Empty", &[])] {
            assert_well_formed(&svg);
            assert!(svg.contains(">No data.</desc>"));
            assert!(svg.contains(r#"class="chart-axis""#));
            assert!(!svg.contains("<rect") && !svg.contains("<polyline"));
            assert!(!svg.contains("<circle"));
        }
    }

    #[test]
    fn all_zero_data_divides_by_nothing() {
        let zeros = bars(&[("a", 0.0), ("b", 0.0), ("c", -1.0), ("d", f64::NAN)]);
        let bar = bar_chart("z", "Zero", &zeros);
        assert_well_formed(&bar);
        assert!(bar.contains(">4 bars, all zero.</desc>"));
        assert_eq!(attributes(&bar, "chart-bar", "height"), vec!["0"; 4]);
        let line = line_chart("z", "Zero", &zeros);
        assert_well_formed(&line);
        assert!(!line.contains("NaN") && !bar.contains("NaN"));
        assert!(!line.contains("inf") && !bar.contains("inf"));
        let ys = attributes(&line, "chart-point", "cy");
        assert_eq!(ys, vec!["200"; 4]);
    }

    #[test]
    fn bar_heights_are_proportional() {
        let svg = bar_chart(
            "p",
            "Scores",
            &bars(&[("a", 10.0), ("b", 40.0), ("c", 20.0)]),
        );
        let heights: Vec<f64> = attributes(&svg, "chart-bar", "height")
            .iter()
            .map(|h| h.parse().expect("a number"))
            .collect();
        // The plot is 200 − 16 = 184 high: 40 fills it, 20 is half, 10 a quarter.
        assert_eq!(heights, vec![46.0, 184.0, 92.0]);
        let tops: Vec<String> = attributes(&svg, "chart-bar", "y");
        assert_eq!(tops, vec!["154", "16", "108"]);
        // The axis says 0 and 40; the description names the largest bar.
        assert!(svg.contains(">0</text>") && svg.contains(">40</text>"));
        assert!(svg.contains("3 bars; the largest is b: 40."));
    }

    #[test]
    fn the_line_goes_through_its_points_in_order() {
        let svg = line_chart(
            "cumul",
            "Ideas so far",
            &bars(&[
                ("2025-03-01", 0.0),
                ("2025-03-02", 5.0),
                ("2025-03-03", 10.0),
            ]),
        );
        assert_well_formed(&svg);
        // x from 48 to 628 in two steps of 290; y from 200 (0) to 16 (10).
        assert!(svg.contains(r#"points="48,200 338,108 628,16""#), "{svg}");
        assert!(svg.contains(">2025-03-01</text>") && svg.contains(">2025-03-03</text>"));
        assert!(!svg.contains(">2025-03-02</text>"));
        assert!(svg.contains("3 points, from 2025-03-01: 0 to 2025-03-03: 10; the highest is 10."));
        let single = line_chart("one", "One", &bars(&[("only", 2.5)]));
        assert_well_formed(&single);
        assert!(single.contains(r#"cx="338" cy="16""#) && single.contains(">only</text>"));
    }

    #[test]
    fn long_labels_are_shortened_under_the_axis_only() {
        let long = "a very long label indeed";
        let svg = bar_chart("l", "t", &bars(&[(long, 1.0)]));
        assert!(svg.contains(">a very long l…</text>"));
        assert!(svg.contains(&format!("<title>{long}: 1</title>")));
        // Many bars: one label in every two for 13 to 24 bars.
        let many: Vec<(String, f64)> = (0..24).map(|i| (format!("d{i}"), 1.0)).collect();
        let svg = bar_chart("m", "t", &many);
        assert_eq!(svg.matches("<text").count(), 12 + 2);
    }

    #[test]
    fn numbers_lose_needless_decimals() {
        let formatted: Vec<String> = [3.0, 2.5, 2.04, 2.96, -0.04, 184.0, 1e20, f64::NAN]
            .into_iter()
            .map(format_number)
            .collect();
        assert_eq!(
            formatted,
            vec![
                "3",
                "2.5",
                "2",
                "3",
                "0",
                "184",
                "100000000000000000000",
                "0"
            ]
        );
    }
}
