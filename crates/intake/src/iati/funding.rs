//! The amount: the sum of the budgets (revised ones per period when there are any), else of the
//! commitments; in their currency when they share one, else in USD.

use std::collections::BTreeMap;

use roxmltree::Node;

use portal_domain::codes;
use portal_domain::submission::Funding;

use super::xml::{child, children, clean, own_text};

/// The amount, and whether any budget or commitment carried a non-zero value.
pub(super) struct Money {
    pub(super) funding: Option<Funding>,
    pub(super) seen: bool,
}

/// A value read from a budget or transaction.
struct Value {
    amount: f64,
    /// Upper-case ISO 4217, or None when neither the value nor the activity gives one.
    currency: Option<String>,
}

/// The amount from budgets, else commitments (see the module notes).
pub(super) fn funding(node: Node, notes: &mut Vec<String>) -> Money {
    let default_currency = node
        .attribute("default-currency")
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    let default_currency = default_currency.as_deref();
    let budgets = budget_values(node, default_currency, notes);
    let commitments = commitment_values(node, default_currency, notes);
    let seen = budgets.iter().chain(&commitments).any(|v| v.amount != 0.0);

    let budget_problem = match total(&budgets, "budget") {
        Total::Amount(funding, note) => {
            notes.extend(note);
            check_size(&funding, notes);
            return Money {
                funding: Some(funding),
                seen,
            };
        }
        Total::Nothing => None,
        Total::Unusable(reason) => Some(reason),
    };
    if budgets.is_empty()
        && let Some(code) = node.attribute("budget-not-provided")
    {
        notes.push(format!(
            "budget not provided: {}",
            budget_not_provided(code)
        ));
    }
    let before = match &budget_problem {
        Some(reason) => format!("budgets not usable ({reason})"),
        None => "no budget".to_string(),
    };
    let funding = match total(&commitments, "commitment") {
        Total::Amount(funding, note) => {
            notes.push(format!("{before}: amount from commitments"));
            notes.extend(note);
            check_size(&funding, notes);
            Some(funding)
        }
        Total::Nothing if budget_problem.is_some() => {
            notes.push(format!("{before}, no commitment: no amount"));
            None
        }
        Total::Nothing if reports_spending(node) => {
            notes.push(
                "no budget or commitment: no amount (disbursements or expenditures are reported, but they are not a funding amount)"
                    .to_string(),
            );
            None
        }
        Total::Nothing => {
            notes.push("no budget or commitment: no amount".to_string());
            None
        }
        Total::Unusable(reason) => {
            notes.push(format!(
                "{before}; commitments not usable ({reason}): no amount"
            ));
            None
        }
    };
    Money { funding, seen }
}

/// Notes an amount above USD 10 billion, more than any single mine action or development
/// project: most likely a value in another currency than the one stated. The amount is kept.
fn check_size(funding: &Funding, notes: &mut Vec<String>) {
    const IMPLAUSIBLE_USD: f64 = 10e9;
    let usd = funding.amount * codes::usd_rate(&funding.currency).unwrap_or(0.0);
    if usd > IMPLAUSIBLE_USD {
        notes.push(format!(
            "amount {} {} is over USD 10 billion: check the value and its currency",
            funding.amount, funding.currency
        ));
    }
}

/// The IATI BudgetNotProvided code list.
fn budget_not_provided(code: &str) -> String {
    match code.trim() {
        "1" => "commercial restrictions".to_string(),
        "2" => "legal restrictions".to_string(),
        "3" => "rapid onset emergency".to_string(),
        other => format!("code \"{other}\""),
    }
}

/// Budget values: per period, the revised budgets if the period has any, else the others.
fn budget_values(
    node: Node,
    default_currency: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    // (start, end) → (revised values, other values)
    let mut periods: BTreeMap<(String, String), (Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for budget in children(node, "budget") {
        let Some(value) = value(budget, default_currency, "budget", notes) else {
            continue;
        };
        let bound = |name: &'static str| {
            child(budget, name)
                .map(|n| {
                    let iso = clean(n.attribute("iso-date").unwrap_or_default());
                    if iso.is_empty() {
                        clean(&own_text(n))
                    } else {
                        iso
                    }
                })
                .unwrap_or_default()
        };
        let key = (bound("period-start"), bound("period-end"));
        let revised = matches!(
            budget
                .attribute("type")
                .map(|t| t.trim().to_ascii_lowercase())
                .as_deref(),
            Some("2" | "revised")
        );
        let entry = periods.entry(key).or_default();
        if revised {
            entry.0.push(value);
        } else {
            entry.1.push(value);
        }
    }
    periods
        .into_values()
        .flat_map(|(revised, others)| if revised.is_empty() { others } else { revised })
        .collect()
}

/// Values of the commitment transactions (type 2 or C, as a code or as the element's text).
fn commitment_values(
    node: Node,
    default_currency: Option<&str>,
    notes: &mut Vec<String>,
) -> Vec<Value> {
    children(node, "transaction")
        .filter(|t| is_commitment(*t))
        .filter_map(|t| value(t, default_currency, "commitment", notes))
        .collect()
}

fn is_commitment(transaction: Node) -> bool {
    matches!(
        transaction_type(transaction).to_ascii_lowercase().as_str(),
        "2" | "c" | "commitment" | "commitments"
    )
}

/// A transaction's type: the `@code` of its transaction-type, else that element's text (some
/// publishers write the code as text).
fn transaction_type(transaction: Node) -> String {
    let Some(kind) = child(transaction, "transaction-type") else {
        return String::new();
    };
    kind.attribute("code")
        .map(clean)
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| clean(&own_text(kind)))
}

/// Whether the activity reports disbursements or expenditures (types 3 and 4, or D and E).
fn reports_spending(node: Node) -> bool {
    children(node, "transaction").any(|t| {
        matches!(
            transaction_type(t).to_ascii_lowercase().as_str(),
            "3" | "4" | "d" | "e" | "disbursement" | "expenditure"
        )
    })
}

/// The `<value>` of a budget or transaction, with its currency; None (with a note) when it is
/// missing, empty or not a number.
fn value(
    parent: Node,
    default_currency: Option<&str>,
    what: &str,
    notes: &mut Vec<String>,
) -> Option<Value> {
    let Some(element) = child(parent, "value") else {
        notes.push(format!("a {what} without a value: skipped"));
        return None;
    };
    let text = clean(&own_text(element));
    if text.is_empty() {
        notes.push(format!("a {what} with an empty value: skipped"));
        return None;
    }
    let amount = match text.parse::<f64>() {
        Ok(amount) if amount.is_finite() => amount,
        _ => {
            notes.push(format!("{what} value \"{text}\" is not a number: skipped"));
            return None;
        }
    };
    let currency = element
        .attribute("currency")
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty())
        .or_else(|| default_currency.map(str::to_string));
    Some(Value { amount, currency })
}

/// The outcome of adding up values.
enum Total {
    /// No values at all.
    Nothing,
    /// A positive amount, with a note when currencies were converted.
    Amount(Funding, Option<String>),
    /// Values that do not give an amount, and why.
    Unusable(String),
}

/// Adds up values: in their currency when they share one, else in USD.
fn total(values: &[Value], what: &str) -> Total {
    if values.is_empty() {
        return Total::Nothing;
    }
    let mut by_currency: BTreeMap<&str, f64> = BTreeMap::new();
    for value in values {
        let Some(currency) = value.currency.as_deref() else {
            return Total::Unusable(format!(
                "a {what} value has no currency and the activity no default-currency"
            ));
        };
        *by_currency.entry(currency).or_default() += value.amount;
    }
    let unknown: Vec<&str> = by_currency
        .keys()
        .copied()
        .filter(|c| codes::usd_rate(c).is_none())
        .collect();
    if !unknown.is_empty() {
        return Total::Unusable(format!(
            "currency {} is not in the exchange-rate table",
            unknown.join(", ")
        ));
    }
    let (amount, currency, note) = match by_currency.iter().next() {
        Some((currency, amount)) if by_currency.len() == 1 => {
            (*amount, (*currency).to_string(), None)
        }
        _ => {
            let usd: f64 = by_currency
                .iter()
                .map(|(c, a)| a * codes::usd_rate(c).unwrap_or(0.0))
                .sum();
            let names: Vec<&str> = by_currency.keys().copied().collect();
            let note = format!(
                "{what}s in {} converted to USD at the rates of {}",
                names.join(", "),
                codes::rates_date()
            );
            (usd, "USD".to_string(), Some(note))
        }
    };
    let amount = (amount * 100.0).round() / 100.0;
    if !amount.is_finite() || amount <= 0.0 {
        return Total::Unusable(format!("{what}s total {amount} {currency}"));
    }
    Total::Amount(
        Funding {
            amount,
            currency,
            usd: 0.0,
            rate_date: None,
        },
        note,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iati::testing::*;

    #[test]
    fn budget_currency_other_than_default_is_converted() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <budget type="1"><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/><value currency="USD">100</value></budget>
  <budget type="1"><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/><value>100</value></budget>"#));
        let funding = a.submission.funding.as_ref().expect("amount");
        assert_eq!(funding.currency, "USD");
        let eur = codes::usd_rate("EUR").expect("EUR rate");
        assert!((funding.amount - (100.0 + 100.0 * eur)).abs() < 0.01);
        assert!(
            has_note(&a, "budgets in EUR, USD converted to USD"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn budget_in_one_other_currency_stays_in_it() {
        let a = one(&v2(
            r#"<recipient-country code="LA"/><budget><value currency="NZD">500</value></budget>"#,
        ));
        let funding = a.submission.funding.as_ref().expect("amount");
        assert_eq!((funding.amount, funding.currency.as_str()), (500.0, "NZD"));
    }

    #[test]
    fn revised_budget_replaces_original_for_its_period_only() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <budget type="Original"><period-start iso-date="2004-04-01"/><period-end iso-date="2005-03-31"/><value>500</value></budget>
  <budget type="Original"><period-start iso-date="2005-04-01"/><period-end iso-date="2006-03-31"/><value>500</value></budget>
  <budget type="Revised"><period-start iso-date="2005-04-01"/><period-end iso-date="2006-03-31"/><value>300</value></budget>"#));
        assert_eq!(a.submission.funding.as_ref().map(|f| f.amount), Some(800.0));
    }

    #[test]
    fn no_budget_uses_commitments() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <transaction><transaction-type code="2"/><value currency="NZD">300</value></transaction>
  <transaction><transaction-type code="2"/><value currency="NZD">200.5</value></transaction>
  <transaction><transaction-type code="3"/><value currency="NZD">9999</value></transaction>"#));
        let funding = a.submission.funding.as_ref().expect("amount");
        assert_eq!((funding.amount, funding.currency.as_str()), (500.5, "NZD"));
        assert_eq!(a.submission.assistance, vec![Assistance::Financial]);
        assert!(
            has_note(&a, "no budget: amount from commitments"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn textual_commitment_type_counts() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <transaction><transaction-type>2</transaction-type><value>70</value></transaction>
  <transaction><transaction-type>1</transaction-type><transaction-date iso-date="5000000"/><value/></transaction>"#));
        assert_eq!(a.submission.funding.as_ref().map(|f| f.amount), Some(70.0));
    }

    #[test]
    fn nothing_gives_no_amount_and_a_note() {
        let a = one(&v2(r#"<recipient-country code="LA"/>
  <transaction><transaction-type code="3"/><value>10</value></transaction>"#));
        assert_eq!(a.submission.funding, None);
        assert!(a.submission.assistance.is_empty());
        assert!(
            has_note(&a, "no budget or commitment: no amount"),
            "{:?}",
            a.notes
        );
    }

    #[test]
    fn zero_budget_and_unknown_currency_give_no_amount() {
        let zero = one(&v2(
            r#"<recipient-country code="LA"/><budget><value>0</value></budget>"#,
        ));
        assert_eq!(zero.submission.funding, None);
        assert!(has_note(&zero, "budgets total 0 EUR"), "{:?}", zero.notes);
        let odd = one(&v2(
            r#"<recipient-country code="LA"/><budget><value currency="XYZ">10</value></budget>"#,
        ));
        assert_eq!(odd.submission.funding, None);
        assert!(has_note(&odd, "currency XYZ"), "{:?}", odd.notes);
    }

    #[test]
    fn value_without_any_currency_gives_no_amount() {
        let xml = r#"<iati-activity><iati-identifier>N-1</iati-identifier>
  <reporting-org ref="US-EIN-1" type="21" secondary-reporter="1"><narrative>NGO Aid Map</narrative></reporting-org>
  <title><narrative>Wells</narrative></title>
  <budget><value>10</value></budget><budget><value></value></budget><budget><value></value></budget>
  <transaction><transaction-type code="2"/><value>5</value></transaction></iati-activity>"#;
        let a = one(xml);
        assert_eq!(a.submission.funding, None);
        assert_eq!(a.submission.assistance, vec![Assistance::Financial]);
        assert!(
            has_note(&a, "a budget with an empty value: skipped (2×)"),
            "{:?}",
            a.notes
        );
        assert!(has_note(&a, "no default-currency"), "{:?}", a.notes);
        assert!(has_note(&a, "secondary reporter"), "{:?}", a.notes);
        assert_eq!(a.submission.submitter.country.as_deref(), Some("USA"));
    }
}
