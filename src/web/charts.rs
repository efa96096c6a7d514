//! Bar charts as inline SVG, built with maud, each followed by a table of exactly the same
//! numbers (for screen readers, for copying, and for print). No scripts, no styles from
//! elsewhere: colours are SVG attributes, which the Content-Security-Policy allows.

use maud::{Markup, html};

use crate::text::thousands;

/// One row of a chart: a label (with an optional link for the table) and one value per series.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub label: String,
    pub href: Option<String>,
    pub values: Vec<f64>,
}

impl Row {
    pub fn new(label: impl Into<String>, values: Vec<f64>) -> Row {
        Row {
            label: label.into(),
            href: None,
            values,
        }
    }

    pub fn linked(mut self, href: impl Into<String>) -> Row {
        self.href = Some(href.into());
        self
    }
}

/// A horizontal bar chart.
pub struct Chart<'a> {
    /// Unique on the page; the ids of the chart's parts start with it.
    pub id: &'a str,
    /// The accessible name of the chart and the caption of its table.
    pub title: &'a str,
    /// The heading of the label column, e.g. "Area of work".
    pub label_heading: &'a str,
    /// One name per value in each row, e.g. `["Needs", "Offers"]`.
    pub series: &'a [&'a str],
    pub rows: &'a [Row],
    /// How a value is written, in the bars and in the table alike.
    pub format: fn(f64) -> String,
}

/// A count: `1,234`.
pub fn count(value: f64) -> String {
    thousands(value.max(0.0).round() as u64)
}

/// An amount in whole US dollars: `1,234,567`.
pub fn usd(value: f64) -> String {
    thousands(value.max(0.0).round() as u64)
}

/// The wide drawing, for a desk: labels beside the bars.
const WIDTH: f64 = 720.0;
const LABEL_WIDTH: f64 = 250.0;
const VALUE_ROOM: f64 = 100.0;
const BAR_AREA: f64 = WIDTH - LABEL_WIDTH - VALUE_ROOM - 8.0;
/// The narrow drawing, for a phone: each label above its bars, drawn about as wide as a phone
/// shows it, so that its 13-unit text stays about 13 px high (the wide one, shrunk to a phone's
/// width, wrote 6.5 px).
const NARROW_WIDTH: f64 = 360.0;
const NARROW_VALUE_ROOM: f64 = 90.0;
const NARROW_BAR_AREA: f64 = NARROW_WIDTH - NARROW_VALUE_ROOM;
const NARROW_LABEL_HEIGHT: f64 = 17.0;
const NARROW_LABEL_CHARS: usize = 50;
const BAR_HEIGHT: f64 = 16.0;
const ROW_GAP: f64 = 10.0;
const LEGEND_HEIGHT: f64 = 26.0;
/// The narrow legend puts each series on a line of its own.
const LEGEND_LINE: f64 = 18.0;
const FONT_SIZE: f64 = 13.0;
/// Longer labels are cut short in the drawing; the bar's title and the table have them whole.
const LABEL_CHARS: usize = 30;
/// Colours with at least 3:1 contrast on white, told apart by the legend and the table too.
const COLOURS: [&str; 4] = ["#0b4f8a", "#b35500", "#3f7a2a", "#6b4c9a"];
const INK: &str = "#1b1f24";

/// The chart (SVG, `role="img"`, named by its title) and its table. The chart is drawn twice,
/// wide and narrow; the stylesheet shows the one that fits the screen (the other is not
/// displayed, so it is neither seen nor read out).
pub fn bar_chart(chart: &Chart) -> Markup {
    html! {
        div.chart {
            @if chart.rows.is_empty() {
                p.muted { "Nothing to count yet." }
            } @else {
                (drawing(chart))
                (narrow_drawing(chart))
            }
            (table(chart))
        }
    }
}

fn largest(chart: &Chart) -> f64 {
    chart
        .rows
        .iter()
        .flat_map(|r| r.values.iter().copied())
        .fold(0.0_f64, f64::max)
}

fn drawing(chart: &Chart) -> Markup {
    let series = chart.series.len().max(1);
    let legend = if series > 1 { LEGEND_HEIGHT } else { 0.0 };
    let group = series as f64 * BAR_HEIGHT + ROW_GAP;
    let height = legend + chart.rows.len() as f64 * group + ROW_GAP;
    let largest = largest(chart);
    let title_id = format!("{}-title", chart.id);
    html! {
        svg.wide xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby=(title_id)
            width=(WIDTH) height=(height) viewBox={ "0 0 " (WIDTH) " " (height) }
            font-size=(FONT_SIZE) {
            title #(title_id) { (chart.title) }
            @if series > 1 {
                g {
                    @for (i, name) in chart.series.iter().enumerate() {
                        @let x = LABEL_WIDTH + i as f64 * 150.0;
                        rect x=(x) y="4" width="12" height="12" fill=(COLOURS[i % COLOURS.len()]) {}
                        text x=(x + 18.0) y="15" fill=(INK) { (name) }
                    }
                }
            }
            @for (r, row) in chart.rows.iter().enumerate() {
                @let top = legend + ROW_GAP / 2.0 + r as f64 * group;
                text x=(LABEL_WIDTH - 8.0) y=(top + series as f64 * BAR_HEIGHT / 2.0 + 4.5)
                    text-anchor="end" fill=(INK) { (short_label(&row.label, LABEL_CHARS)) }
                @for (i, value) in row.values.iter().enumerate() {
                    (bar(chart, row, i, (LABEL_WIDTH, top + i as f64 * BAR_HEIGHT), bar_length(*value, largest, BAR_AREA)))
                }
            }
        }
    }
}

/// The chart for a narrow screen: the legend a series a line, each label on a line of its own
/// above its bars, which take the whole width.
fn narrow_drawing(chart: &Chart) -> Markup {
    let series = chart.series.len().max(1);
    let legend = if series > 1 {
        series as f64 * LEGEND_LINE + ROW_GAP / 2.0
    } else {
        0.0
    };
    let group = NARROW_LABEL_HEIGHT + series as f64 * BAR_HEIGHT + ROW_GAP;
    let height = legend + chart.rows.len() as f64 * group + ROW_GAP / 2.0;
    let largest = largest(chart);
    let title_id = format!("{}-narrow-title", chart.id);
    html! {
        svg.narrow xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby=(title_id)
            width=(NARROW_WIDTH) height=(height) viewBox={ "0 0 " (NARROW_WIDTH) " " (height) }
            font-size=(FONT_SIZE) {
            title #(title_id) { (chart.title) }
            @if series > 1 {
                g {
                    @for (i, name) in chart.series.iter().enumerate() {
                        @let y = i as f64 * LEGEND_LINE;
                        rect x="0" y=(y + 3.0) width="12" height="12" fill=(COLOURS[i % COLOURS.len()]) {}
                        text x="18" y=(y + 14.0) fill=(INK) { (name) }
                    }
                }
            }
            @for (r, row) in chart.rows.iter().enumerate() {
                @let top = legend + r as f64 * group;
                text x="0" y=(top + FONT_SIZE) fill=(INK) { (short_label(&row.label, NARROW_LABEL_CHARS)) }
                @for (i, value) in row.values.iter().enumerate() {
                    @let y = top + NARROW_LABEL_HEIGHT + i as f64 * BAR_HEIGHT;
                    (bar(chart, row, i, (0.0, y), bar_length(*value, largest, NARROW_BAR_AREA)))
                }
            }
        }
    }
}

/// The bar of a row's value in `series`, from `(x, y)` (its left end and top), `length` long,
/// with the value written after it and its `<title>`.
fn bar(chart: &Chart, row: &Row, series: usize, (x, y): (f64, f64), length: f64) -> Markup {
    let written = (chart.format)(row.values[series]);
    html! {
        g {
            title { (bar_title(chart, &row.label, series, &written)) }
            rect x=(x) y=(y + 1.0) width=(format!("{length:.1}"))
                height=(BAR_HEIGHT - 2.0) fill=(COLOURS[series % COLOURS.len()]) {}
            text x=(format!("{:.1}", x + length + 4.0)) y=(y + BAR_HEIGHT - 3.5)
                fill=(INK) { (written) }
        }
    }
}

/// What a bar's `<title>` says: "Lao PDR — Needs: 12", or "2026-Q2: 40" with one series.
fn bar_title(chart: &Chart, label: &str, series: usize, value: &str) -> String {
    match chart.series.get(series) {
        Some(name) if chart.series.len() > 1 => format!("{label} — {name}: {value}"),
        _ => format!("{label}: {value}"),
    }
}

/// A bar's length in a drawing whose longest bar, for `largest`, is `area` long.
fn bar_length(value: f64, largest: f64, area: f64) -> f64 {
    if largest <= 0.0 || value <= 0.0 || !value.is_finite() {
        return 0.0;
    }
    // A value too small to see still gets a sliver, so it is not mistaken for zero.
    (value / largest * area).max(1.0)
}

fn short_label(label: &str, chars: usize) -> String {
    if label.chars().count() <= chars {
        return label.to_string();
    }
    let cut: String = label.chars().take(chars - 1).collect();
    format!("{}…", cut.trim_end())
}

/// A wide table in a box of its own that scrolls sideways when the screen is narrower than the
/// table (the page never does): focusable, so that a keyboard can scroll it, and named.
pub fn scroll_box(name: &str, content: Markup) -> Markup {
    html! {
        div.scroll role="region" tabindex="0" aria-label=(name) { (content) }
    }
}

fn table(chart: &Chart) -> Markup {
    scroll_box(
        chart.title,
        html! {
            table.figures {
                caption { (chart.title) }
                thead {
                    tr {
                        th scope="col" { (chart.label_heading) }
                        @for name in chart.series { th scope="col" { (name) } }
                    }
                }
                tbody {
                    @for row in chart.rows {
                        tr {
                            th scope="row" {
                                @if let Some(href) = &row.href {
                                    a href=(href) { (row.label) }
                                } @else {
                                    (row.label)
                                }
                            }
                            @for value in &row.values { td.number { ((chart.format)(*value)) } }
                        }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(rows: &[Row], series: &[&str]) -> String {
        bar_chart(&Chart {
            id: "test",
            title: "Test chart",
            label_heading: "Thing",
            series,
            rows,
            format: count,
        })
        .into_string()
    }

    /// One of the two drawings (`wide` or `narrow`), whole.
    fn drawing_of<'a>(html: &'a str, class: &str) -> &'a str {
        let start = html
            .find(&format!(r#"<svg class="{class}""#))
            .unwrap_or_else(|| panic!("no {class} drawing: {html}"));
        let end = start + html[start..].find("</svg>").unwrap();
        &html[start..end]
    }

    /// The `<title>` texts of the bars of one drawing, in order.
    fn bar_titles(html: &str) -> Vec<String> {
        html.split("<g><title>")
            .skip(1)
            .map(|rest| rest.split("</title>").next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn one_row_draws_one_bar_at_full_length_and_one_table_row() {
        let html = render(&[Row::new("Victim assistance", vec![7.0])], &["Needs"]);
        assert!(html.contains(r#"role="img" aria-labelledby="test-title""#));
        assert!(html.contains(r#"<title id="test-title">Test chart</title>"#));
        for class in ["wide", "narrow"] {
            assert_eq!(
                bar_titles(drawing_of(&html, class)),
                ["Victim assistance: 7"]
            );
        }
        assert!(
            drawing_of(&html, "wide").contains(&format!(r#"width="{BAR_AREA:.1}""#)),
            "{html}"
        );
        assert!(
            drawing_of(&html, "narrow").contains(&format!(r#"width="{NARROW_BAR_AREA:.1}""#)),
            "{html}"
        );
        assert!(html.contains("<caption>Test chart</caption>"));
        assert!(
            html.contains(r#"<th scope="row">Victim assistance</th><td class="number">7</td>"#)
        );
        assert_eq!(html.matches("<tr>").count(), 2);
    }

    #[test]
    fn zero_values_draw_no_bar_and_no_division_by_zero() {
        let html = render(
            &[Row::new("a", vec![0.0, 0.0]), Row::new("b", vec![0.0, 0.0])],
            &["Needs", "Offers"],
        );
        assert!(!html.contains("NaN") && !html.contains("inf"), "{html}");
        assert_eq!(html.matches(r#"width="0.0""#).count(), 8);
        assert_eq!(
            bar_titles(drawing_of(&html, "narrow")),
            [
                "a — Needs: 0",
                "a — Offers: 0",
                "b — Needs: 0",
                "b — Offers: 0"
            ]
        );
    }

    #[test]
    fn a_tiny_value_still_shows_and_a_large_one_is_written_with_separators() {
        let html = render(
            &[
                Row::new("big", vec![1_000_000.0]),
                Row::new("small", vec![1.0]),
            ],
            &["Needs"],
        );
        assert_eq!(html.matches(r#"width="1.0""#).count(), 2, "{html}");
        assert_eq!(
            bar_titles(drawing_of(&html, "wide")),
            ["big: 1,000,000", "small: 1"]
        );
    }

    #[test]
    fn long_labels_are_shortened_in_the_drawing_and_escaped_everywhere() {
        let label = "<script>alert('x')</script> & a very long name of a country or territory";
        let html = render(
            &[Row::new(label, vec![3.0]).linked("/countries/X?a=1&b=2")],
            &["Needs"],
        );
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt; &amp; a very long name"));
        assert!(html.contains("…</text>"));
        assert!(html.contains(r#"href="/countries/X?a=1&amp;b=2""#));
    }

    /// The narrow drawing is about as wide as a phone shows it, so its text keeps its size
    /// there; its labels stand on lines of their own above the bars, and are cut later.
    #[test]
    fn the_narrow_drawing_fits_a_phone_with_each_label_above_its_bars() {
        let label = "Transparency and national implementation measures";
        let longer = "United Kingdom of Great Britain and Northern Ireland";
        let html = render(
            &[
                Row::new(label, vec![3.0, 1.0]),
                Row::new(longer, vec![2.0, 0.0]),
            ],
            &["Needs", "Offers and funding sources"],
        );
        let wide = drawing_of(&html, "wide");
        let narrow = drawing_of(&html, "narrow");
        assert!(narrow.contains(r#"width="360" height="#), "{narrow}");
        assert!(narrow.contains(r#"font-size="13""#));
        // Each drawing has its own name, so both are named whichever is shown.
        assert!(narrow.contains(r#"aria-labelledby="test-narrow-title""#));
        assert!(narrow.contains(r#"<title id="test-narrow-title">Test chart</title>"#));
        assert!(wide.contains(r#"aria-labelledby="test-title""#));
        // The labels start at the left edge, above their bars, cut only past 50 characters
        // (the wide drawing cuts at 30).
        assert!(
            narrow.contains(&format!(
                r#"<text x="0" y="54" fill="{INK}">{label}</text>"#
            )),
            "{narrow}"
        );
        assert!(narrow.contains(">United Kingdom of Great Britain and Northern Irel…<"));
        assert!(wide.contains(">Transparency and national imp…<"), "{wide}");
        assert_eq!(
            bar_titles(narrow),
            [
                format!("{label} — Needs: 3"),
                format!("{label} — Offers and funding sources: 1"),
                format!("{longer} — Needs: 2"),
                format!("{longer} — Offers and funding sources: 0")
            ]
        );
    }

    #[test]
    fn a_table_is_in_a_named_box_that_scrolls_sideways() {
        let html = render(&[Row::new("a", vec![1.0])], &["Needs"]);
        assert!(
            html.contains(
                r#"<div class="scroll" role="region" tabindex="0" aria-label="Test chart"><table class="figures">"#
            ),
            "{html}"
        );
    }

    #[test]
    fn no_rows_says_so_and_keeps_an_empty_table() {
        let html = render(&[], &["Needs"]);
        assert!(!html.contains("<svg"));
        assert!(html.contains("Nothing to count yet."));
        assert!(html.contains("<caption>Test chart</caption>"));
    }
}
