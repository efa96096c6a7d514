//! Building the submission from the form's fields, and placing `Submission::validate`'s errors
//! on the lines of the labels they are about.

use portal_domain::submission::{
    FieldError, Kind, Provenance, Status, Submission, Submitter, SubmitterType, Timestamps,
};

use super::TemplateError;
use super::contact::{parse_contact, parse_links};
use super::dates::parse_period;
use super::form::{Entry, Form};
use super::labels::Field;
use super::money::parse_funding;
use super::places::{parse_country, parse_places};
use super::vocabulary::{
    AREA_WORDS, ASSISTANCE_WORDS, parse_kind, parse_submitter_type, parse_terms,
};

/// Reads every field of the form into a submission, pushing a problem for each value it cannot
/// read. A field that could not be read is left empty (kind and submitter type get a stand-in),
/// so that validation can still look at the rest.
pub(super) fn build(form: &Form, errors: &mut Vec<TemplateError>) -> Submission {
    for entry in &form.entries {
        let chars = entry.joined().chars().count();
        if chars > entry.field.max_chars() {
            errors.push(TemplateError::new(
                entry.line,
                entry.field,
                "",
                format!(
                    "is {chars} characters long; it may be at most {}: shorten it",
                    entry.field.max_chars()
                ),
            ));
        }
    }
    let kind = required(form, Field::Kind, errors)
        .and_then(|e| record(parse_kind(&e.joined()).map_err(|p| e.error(p)), errors))
        .unwrap_or(Kind::Need);
    let title = required(form, Field::Title, errors).map_or_else(String::new, |e| e.joined());
    let organisation =
        required(form, Field::SubmittedBy, errors).map_or_else(String::new, |e| e.joined());
    let submitter_kind = required(form, Field::SubmitterType, errors)
        .and_then(|e| {
            record(
                parse_submitter_type(&e.joined()).map_err(|p| e.error(p)),
                errors,
            )
        })
        .unwrap_or(SubmitterType::Other);
    let country = form
        .value(Field::SubmitterCountry)
        .and_then(|e| record(parse_country(&e.joined()).map_err(|p| e.error(p)), errors));
    let beneficiaries = required(form, Field::CountriesConcerned, errors)
        .map(|e| parse_places(e, errors))
        .unwrap_or_default();
    let areas = required(form, Field::AreasOfWork, errors)
        .map(|e| parse_terms(e, AREA_WORDS, errors))
        .unwrap_or_default();
    let assistance = form
        .value(Field::KindsOfAssistance)
        .map(|e| parse_terms(e, ASSISTANCE_WORDS, errors))
        .unwrap_or_default();
    let funding = parse_funding(form, errors);
    let period = parse_period(form, errors);
    let contact = parse_contact(form, errors);
    let links = form
        .value(Field::Links)
        .map(|e| parse_links(e, errors))
        .unwrap_or_default();
    let text = |field| form.value(field).map_or_else(String::new, Entry::long_text);

    Submission {
        id: String::new(),
        kind,
        status: Status::Pending,
        version: 1,
        submitter: Submitter {
            organisation,
            kind: submitter_kind,
            country,
        },
        title,
        summary: text(Field::Summary),
        description: text(Field::Description),
        beneficiaries,
        areas,
        dac_sectors: Vec::new(),
        assistance,
        funding,
        period,
        contact,
        how_to_apply: text(Field::HowToApply),
        links,
        status_note: None,
        timestamps: Timestamps::default(),
        provenance: Provenance::default(),
    }
}

/// The entry of a required field, or an error saying it is missing or empty.
fn required<'a>(
    form: &'a Form,
    field: Field,
    errors: &mut Vec<TemplateError>,
) -> Option<&'a Entry> {
    match form.get(field) {
        None => {
            errors.push(TemplateError::new(
                0,
                field,
                "",
                format!(
                    "is missing; it is required: add a line \"{}: …\" and {}",
                    field.label(),
                    field.accepted()
                ),
            ));
            None
        }
        Some(entry) if entry.is_empty() => {
            errors.push(TemplateError::new(
                entry.line,
                field,
                "",
                format!("is empty; it is required: {}", field.accepted()),
            ));
            None
        }
        Some(entry) => Some(entry),
    }
}

/// The value of `result`, or `None` after recording its error.
pub(super) fn record<T>(
    result: Result<T, TemplateError>,
    errors: &mut Vec<TemplateError>,
) -> Option<T> {
    match result {
        Ok(value) => Some(value),
        Err(error) => {
            errors.push(error);
            None
        }
    }
}

/// Turns one of `validate()`'s errors into a template error on the line of the label it is
/// about (or of the closest label present, so that every error carries a line when it can).
pub(super) fn map_field_error(form: &Form, error: &FieldError) -> TemplateError {
    let fields: &[Field] = match error.field {
        "title" => &[Field::Title],
        "submitter.organisation" => &[Field::SubmittedBy],
        "submitter.country" => &[Field::SubmitterCountry, Field::SubmitterType],
        "beneficiaries" | "beneficiaries.countries" | "beneficiaries.regions" => {
            &[Field::CountriesConcerned]
        }
        "areas" | "dac_sectors" => &[Field::AreasOfWork],
        "funding.amount" => &[Field::Amount],
        "funding.currency" => &[Field::Currency, Field::Amount],
        "period" => &[Field::EndDate, Field::StartDate],
        "contact.email" => &[Field::ContactEmail],
        _ => &[Field::Kind, Field::Title],
    };
    let main = fields.first().copied().unwrap_or(Field::Kind);
    let line = fields
        .iter()
        .map(|f| form.line(*f))
        .find(|line| *line > 0)
        .unwrap_or(0);
    let written = form.get(main).map(Entry::joined).unwrap_or_default();
    TemplateError::new(line, main, &written, error.message.clone())
}
