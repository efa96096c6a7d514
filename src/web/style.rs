//! The stylesheet, embedded in the binary (`style.css` beside this file), and the tests that
//! hold it to what it promises: the focus indicator stands out against every background the
//! stylesheet paints (WCAG 2.1, 1.4.11: 3:1 for what shows a component's state).

/// `/static/style.css`.
pub(super) const STYLESHEET: &str = include_str!("style.css");

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    type Rgb = [u8; 3];

    /// The stylesheet without its comments, which may hold any character.
    static CSS: LazyLock<String> = LazyLock::new(|| {
        let mut css = String::new();
        let mut rest = super::STYLESHEET;
        while let Some(start) = rest.find("/*") {
            css.push_str(&rest[..start]);
            let end = rest[start..].find("*/").expect("every comment is closed");
            rest = &rest[start + end + 2..];
        }
        css.push_str(rest);
        css
    });

    /// The stylesheet's custom properties (`--name: value;` in `:root`).
    fn custom_properties() -> Vec<(&'static str, &'static str)> {
        let root = rule(":root");
        root.split(';')
            .filter_map(|declaration| {
                let (name, value) = declaration.trim().split_once(':')?;
                name.starts_with("--").then(|| (name.trim(), value.trim()))
            })
            .collect()
    }

    /// The declarations of the first rule whose selector is exactly `selector`.
    fn rule(selector: &str) -> &'static str {
        let mut rest = CSS.as_str();
        while let Some(open) = rest.find('{') {
            let head = rest[..open].rsplit(['}', '\n']).next().unwrap_or("").trim();
            let close = open + rest[open..].find('}').expect("every rule is closed");
            if head == selector {
                return &rest[open + 1..close];
            }
            rest = &rest[open + 1..];
        }
        panic!("style.css has no rule for {selector}");
    }

    /// A colour as the stylesheet writes it: `#abc`, `#aabbcc` or `var(--name)`.
    fn colour(token: &str) -> Option<Rgb> {
        let token = token.trim().trim_end_matches([',', ';']);
        if let Some(name) = token.strip_prefix("var(").and_then(|t| t.strip_suffix(')')) {
            let (_, value) = custom_properties()
                .into_iter()
                .find(|(n, _)| *n == name)
                .unwrap_or_else(|| panic!("style.css uses {name} but does not define it"));
            return colour(value);
        }
        let hex = token.strip_prefix('#')?;
        let digits: Vec<u8> = hex
            .chars()
            .map(|c| c.to_digit(16).map(|d| d as u8))
            .collect::<Option<_>>()?;
        match digits.len() {
            3 => Some([digits[0] * 17, digits[1] * 17, digits[2] * 17]),
            6 => Some([
                digits[0] * 16 + digits[1],
                digits[2] * 16 + digits[3],
                digits[4] * 16 + digits[5],
            ]),
            _ => None,
        }
    }

    /// The colours among the values of every `property:` declaration in `css`.
    fn declared(css: &str, property: &str) -> Vec<Rgb> {
        let needle = format!("{property}:");
        css.match_indices(&needle)
            // Not the end of a longer property's name (`-color` of `background-color:`).
            .filter(|(at, _)| {
                !css[..*at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '-')
            })
            .flat_map(|(at, _)| {
                let value = &css[at + needle.len()..];
                let end = value.find([';', '}']).unwrap_or(value.len());
                value[..end]
                    .split_whitespace()
                    .filter_map(colour)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Relative luminance, as WCAG 2.1 defines it.
    fn luminance(c: Rgb) -> f64 {
        let channel = |v: u8| {
            let s = f64::from(v) / 255.0;
            if s <= 0.04045 {
                s / 12.92
            } else {
                ((s + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2])
    }

    /// The WCAG contrast ratio of two colours, from 1 to 21.
    fn contrast(a: Rgb, b: Rgb) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    fn hex(c: Rgb) -> String {
        format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
    }

    /// The focus indicator's colours: its outline's, then its box-shadow rings'.
    fn focus_ring() -> Vec<Rgb> {
        let focus = rule(":focus-visible");
        let mut ring = declared(focus, "outline");
        ring.extend(declared(focus, "box-shadow"));
        ring
    }

    #[test]
    fn the_contrast_ratio_is_computed_as_wcag_defines_it() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert!((contrast([118, 118, 118], [255, 255, 255]) - 4.54).abs() < 0.01);
        // The figures for the old outline colour, #f0a500.
        let amber = colour("#f0a500").unwrap();
        assert!((contrast(amber, colour("#fff").unwrap()) - 2.08).abs() < 0.01);
        assert!((contrast(amber, colour("#f2f5f8").unwrap()) - 1.90).abs() < 0.01);
    }

    #[test]
    fn the_focus_indicator_has_3_to_1_contrast_on_every_background_of_the_stylesheet() {
        let ring = focus_ring();
        assert!(!ring.is_empty(), ":focus-visible draws no outline");
        let mut backgrounds = declared(&CSS, "background");
        backgrounds.extend(declared(&CSS, "background-color"));
        backgrounds.sort_unstable();
        backgrounds.dedup();
        // The page itself, the wash of notices, the blue header band and buttons at least.
        for expected in ["#ffffff", "#f2f5f8", "#0b4f8a"] {
            assert!(
                backgrounds.iter().any(|b| hex(*b) == expected),
                "{expected} is not among the backgrounds read from style.css: {:?}",
                backgrounds.iter().map(|b| hex(*b)).collect::<Vec<_>>()
            );
        }
        for background in backgrounds {
            let best = ring
                .iter()
                .map(|c| contrast(*c, background))
                .fold(0.0, f64::max);
            assert!(
                best >= 3.0,
                "on {} the focus indicator ({}) has at best {best:.2}:1, below 3:1",
                hex(background),
                ring.iter().map(|c| hex(*c)).collect::<Vec<_>>().join(", ")
            );
        }
        // No single colour has 3:1 against both white and the blue band: the ring needs a dark
        // and a light colour, which must tell apart from each other to read as one mark.
        for (i, a) in ring.iter().enumerate() {
            for b in &ring[i + 1..] {
                assert!(
                    a == b || contrast(*a, *b) >= 3.0,
                    "the focus rings {} and {} have {:.2}:1",
                    hex(*a),
                    hex(*b),
                    contrast(*a, *b)
                );
            }
        }
    }

    #[test]
    fn every_outline_in_the_stylesheet_is_the_focus_indicator() {
        let ring = focus_ring();
        for property in ["outline", "outline-color"] {
            for c in declared(&CSS, property) {
                assert!(
                    ring.contains(&c),
                    "style.css draws an outline in {}, which is not the focus ring's colour",
                    hex(c)
                );
            }
        }
    }
}
