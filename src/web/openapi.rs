//! The OpenAPI 3 document of the JSON API (`/api/openapi.json`). Written by hand to say what
//! the API promises; the tests check every real response against it, so it cannot drift.

use serde_json::{Value, json};

use crate::submission::{Area, Assistance, Kind, SubmitterType, Vocabulary};

fn string() -> Value {
    json!({ "type": "string" })
}

/// `schema`, or null (OpenAPI 3.1, whose schemas are JSON Schema: a type list, or `anyOf`
/// beside a reference, which may carry no other keywords).
fn nullable(mut schema: Value) -> Value {
    match schema
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_string)
    {
        Some(kind) => {
            schema["type"] = json!([kind, "null"]);
            schema
        }
        None => json!({ "anyOf": [schema, { "type": "null" }] }),
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn array_of(items: Value) -> Value {
    json!({ "type": "array", "items": items })
}

/// An object whose properties are all required and nothing else is allowed.
fn object(properties: &[(&str, Value)]) -> Value {
    let mut props = serde_json::Map::new();
    for (name, schema) in properties {
        props.insert((*name).to_string(), schema.clone());
    }
    let required: Vec<&str> = properties.iter().map(|(n, _)| *n).collect();
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props,
    })
}

fn date() -> Value {
    json!({ "type": "string", "format": "date" })
}

fn time() -> Value {
    json!({ "type": "string", "format": "date-time" })
}

fn query(name: &str, description: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": false, "description": description, "schema": schema })
}

/// A parameter that may be repeated; `values`, when given, are all it accepts (any other is
/// answered 400).
fn list_query(name: &str, description: &str, values: Option<Vec<&str>>) -> Value {
    let items = match values {
        Some(values) => json!({ "type": "string", "enum": values }),
        None => string(),
    };
    json!({
        "name": name, "in": "query", "required": false, "description": description,
        "style": "form", "explode": true,
        "schema": { "type": "array", "items": items }
    })
}

/// The slugs of a vocabulary, as parameters take them.
fn slugs<T: Vocabulary>(all: &[T]) -> Option<Vec<&'static str>> {
    Some(all.iter().map(|v| v.slug()).collect())
}

fn errors(codes: &[&str]) -> Value {
    let mut responses = serde_json::Map::new();
    for code in codes {
        let description = match *code {
            "400" => "A parameter cannot be used; the message names it.",
            "401" => "No session and no valid API token.",
            "404" => "No such submission members may see.",
            _ => "Something went wrong on the portal's side.",
        };
        responses.insert(
            (*code).to_string(),
            json!({
                "description": description,
                "content": { "application/json": { "schema": reference("Error") } }
            }),
        );
    }
    Value::Object(responses)
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn responses(success: Value, error_codes: &[&str]) -> Value {
    let mut all = errors(error_codes);
    all["200"] = success;
    all
}

/// The whole document.
pub fn document() -> Value {
    let named = object(&[("code", string()), ("name", string())]);
    let mut money = object(&[
        ("amount", json!({ "type": "number" })),
        ("currency", string()),
        ("usd", json!({ "type": "number" })),
        ("rate_date", date()),
    ]);
    money["required"] = json!(["amount", "currency", "usd"]);
    let submission = object(&[
        ("id", string()),
        ("kind", reference("Named")),
        ("title", string()),
        ("summary", string()),
        ("description", string()),
        ("submitter", string()),
        ("submitter_type", reference("Named")),
        ("submitter_country", nullable(reference("Named"))),
        ("countries", array_of(reference("Named"))),
        ("regions", array_of(reference("Named"))),
        ("global", json!({ "type": "boolean" })),
        ("areas", array_of(reference("Named"))),
        ("assistance", array_of(reference("Named"))),
        ("funding", nullable(reference("Money"))),
        ("period_start", nullable(date())),
        ("period_end", nullable(date())),
        ("contact_name", string()),
        ("contact_email", string()),
        ("how_to_apply", string()),
        ("links", array_of(string())),
        ("published_at", nullable(time())),
        ("renewed_at", nullable(time())),
        ("valid_until", nullable(time())),
    ]);
    let facet_value = object(&[
        ("code", string()),
        ("name", string()),
        ("count", json!({ "type": "integer", "minimum": 0 })),
    ]);
    let facets = object(&[
        ("kind", array_of(reference("FacetValue"))),
        ("country", array_of(reference("FacetValue"))),
        ("global", json!({ "type": "integer", "minimum": 0 })),
        ("area", array_of(reference("FacetValue"))),
        ("assistance", array_of(reference("FacetValue"))),
        ("submitter_type", array_of(reference("FacetValue"))),
        ("funding", array_of(reference("FacetValue"))),
    ]);
    let hit = object(&[
        ("submission", reference("Submission")),
        ("score", json!({ "type": "number" })),
        ("snippet", string()),
    ]);
    let results = object(&[
        ("total", json!({ "type": "integer", "minimum": 0 })),
        ("page", json!({ "type": "integer", "minimum": 1 })),
        (
            "per_page",
            json!({ "type": "integer", "minimum": 1, "maximum": 100 }),
        ),
        ("hits", array_of(reference("Hit"))),
        ("facets", reference("Facets")),
    ]);
    let a_match = object(&[
        ("submission", reference("Submission")),
        ("score", json!({ "type": "number" })),
        ("reasons", array_of(string())),
    ]);
    let matches = object(&[("id", string()), ("matches", array_of(reference("Match")))]);
    let error = object(&[(
        "error",
        object(&[("code", string()), ("message", string())]),
    )]);
    let id = json!({ "name": "id", "in": "path", "required": true, "schema": { "type": "string" }, "description": "e.g. NEED-2026-0042" });

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Cooperation Portal API",
            "version": "1",
            "description": "Needs, offers, projects and funding sources of the Convention on Cluster Munitions' Cooperation Portal, as members see them: published and not expired. Use a member session (the portal's login) or an API token issued by the ISU, sent as `Authorization: Bearer TOKEN`."
        },
        "servers": [{ "url": "/" }],
        "security": [{ "token": [] }, { "session": [] }],
        "paths": {
            "/api/search": { "get": {
                "operationId": "search",
                "summary": "Search, with facet counts",
                "parameters": [
                    query("q", "Keywords: words, \"phrases\", AND, OR, -word.", string()),
                    list_query("kind", "Kind of submission (repeat for several).", slugs(Kind::ALL)),
                    list_query("country", "Country (ISO alpha-3 code or English name) or UN M49 region, sub-region or intermediate region (code or name); an unknown one is answered 400, naming it.", None),
                    list_query("area", "Area of work.", slugs(Area::ALL)),
                    list_query("assistance", "Kind of assistance.", slugs(Assistance::ALL)),
                    list_query("submitter", "Submitter type.", slugs(SubmitterType::ALL)),
                    query("min_usd", "At least this many USD.", json!({ "type": "number", "minimum": 0 })),
                    query("max_usd", "At most this many USD.", json!({ "type": "number", "minimum": 0 })),
                    query("expiring", "Only what expires within 30 days (any value).", string()),
                    query("renewed", "Only what was renewed within the last 30 days (any value).", string()),
                    query("sort", "Order of hits.", json!({ "type": "string", "enum": crate::search::Sort::ALL.map(crate::search::Sort::slug) })),
                    query("page", "Page, from 1. Results are shown up to the 10,000th hit: (page - 1) × per_page above 10,000 is answered 400.", json!({ "type": "integer", "minimum": 1, "maximum": crate::search::MAX_OFFSET + 1 })),
                    query("per_page", "Hits per page.", json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 20 })),
                ],
                "responses": responses(ok("A page of hits, the total and facet counts.", reference("SearchResults")), &["400", "401", "500"]),
            }},
            "/api/submissions/{id}": { "get": {
                "operationId": "submission",
                "summary": "One submission",
                "parameters": [id.clone()],
                "responses": responses(ok("The submission.", reference("Submission")), &["401", "404", "500"]),
            }},
            "/api/submissions/{id}/matches": { "get": {
                "operationId": "matches",
                "summary": "Offers and funding sources that fit a need, or needs that fit an offer, with reasons",
                "parameters": [id, query("limit", "How many.", json!({ "type": "integer", "minimum": 1, "maximum": 100, "default": 10 }))],
                "responses": responses(ok("The matches, best first.", reference("Matches")), &["400", "401", "404", "500"]),
            }},
            "/api/openapi.json": { "get": {
                "operationId": "openapi",
                "summary": "This document",
                "security": [],
                "responses": { "200": { "description": "The OpenAPI document.", "content": { "application/json": { "schema": { "type": "object" } } } } },
            }},
        },
        "components": {
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer", "description": "An API token issued by the ISU." },
                "session": { "type": "apiKey", "in": "cookie", "name": "portal_session", "description": "A member's or admin's login session." },
            },
            "schemas": {
                "Named": named,
                "Money": money,
                "Submission": submission,
                "FacetValue": facet_value,
                "Facets": facets,
                "Hit": hit,
                "SearchResults": results,
                "Match": a_match,
                "Matches": matches,
                "Error": error,
            },
        },
    })
}
