#!/usr/bin/python3
"""Xapian for the engine comparison (benches/compare): a helper that the Rust harness starts
and talks to in JSON lines, one request a line on standard input, one answer a line on
standard output (the documents to index send no answer).

Run it with Debian's /usr/bin/python3, where Debian's python3-xapian (Xapian 1.4) imports.

Requests:
  {"op": "begin", "path": DIR}   a fresh database in DIR (removed first); later "add"s go there
  {"op": "add", "doc": {...}}    one document (fields below); no answer
  {"op": "commit"}               commits; answers {"docs": N, "seconds": S}; the new database
                                 now answers the queries (a full reindex is begin, add..., commit)
  {"op": "query", "plan": PLAN}  one query (benches/compare/src/plan.rs, `Plan` as JSON);
                                 answers {"ms": T, "total": N or null, "hits": N, "records": [...]}
  {"op": "memory"}               answers {"peak_rss_kb": N} (this process's VmHWM)

What is timed, and what is not. A query's "ms" is measured here, around Xapian's own work:
building the Xapian query objects, Enquire.get_mset (with check_at_least set so that the
count is exact whenever the class asks for a count or facets), the facet counts (a
ValueCountMatchSpy per dimension; one more get_mset without the dimension's own filter for
each dimension the query filters on; multi-valued dimensions are counted per distinct
combination in Xapian and the combinations added up per value here, in Python, inside the
timing) and reading the stored records of the hits (get_data). Reading the request, decoding
its JSON and writing the answer are not timed, so neither the pipe nor Python's JSON is
charged to Xapian; the Python calls into Xapian's bindings are. "seconds" of a commit is the
time spent in Xapian's calls to index the documents (TermGenerator.index_text, document
values and terms, replace_document) and in the commit, likewise without the JSON.

Index: title, summary and description as unprefixed terms (English stemmer, every term
stemmed, positions kept for phrases), with wdf increments 6, 3 and 2 (the portal's boosts 3,
1.5 and 1, doubled to whole numbers); the submitter's organisation under the prefix XS with
wdf 3 (boost 1.5). Fields are 100 positions apart, so a phrase never spans two fields, as in
the portal. Filters are boolean terms (K kind, S status, P place, A area, H assistance,
F0/F1 amount stated) and value ranges (USD, published, expires); a ranking by relevance is
Xapian's BM25Weight with its defaults, a sort by date is by the published value.
"""

import json
import os
import shutil
import sys
import time

import xapian

SLOT_USD, SLOT_PUBLISHED, SLOT_EXPIRES = 0, 1, 2
# Facet slots: the value's ordinal, or the sorted ordinals joined by "," (multi-valued).
FACET_SLOTS = {
    "Kind": (3, False),
    "Place": (4, True),
    "Area": (5, True),
    "Assistance": (6, True),
    "SubmitterType": (7, False),
    "Funding": (8, False),
}
WEIGHTS = {"title": 6, "summary": 3, "description": 2, "submitter": 3}
FIELD_GAP = 100

STEM = xapian.Stem("english")
serialise = xapian.sortable_serialise


class Engine:
    def __init__(self):
        self.db = None
        self.writing = None
        self.generator = xapian.TermGenerator()
        self.generator.set_stemmer(STEM)
        self.generator.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
        self.path_of_writing = None
        self.indexing_seconds = 0.0
        self.added = 0

    # Indexing.

    def begin(self, path):
        self.path_of_writing = path
        shutil.rmtree(path, ignore_errors=True)
        self.writing = xapian.WritableDatabase(path, xapian.DB_CREATE_OR_OVERWRITE)
        self.indexing_seconds = 0.0
        self.added = 0
        return {"ok": True}

    def add(self, doc):
        started = time.perf_counter()
        document = xapian.Document()
        generator = self.generator
        generator.set_document(document)
        generator.index_text(doc["title"], WEIGHTS["title"])
        generator.increase_termpos(FIELD_GAP)
        generator.index_text(doc["summary"], WEIGHTS["summary"])
        generator.increase_termpos(FIELD_GAP)
        generator.index_text(doc["description"], WEIGHTS["description"])
        generator.increase_termpos(FIELD_GAP)
        generator.index_text(doc["submitter"], WEIGHTS["submitter"], "XS")
        document.add_boolean_term(f"K{doc['kind']}")
        document.add_boolean_term(f"S{doc['status']}")
        document.add_boolean_term(f"T{doc['submitter_type']}")
        for place in doc["places"]:
            document.add_boolean_term(f"P{place}")
        for area in doc["areas"]:
            document.add_boolean_term(f"A{area}")
        for assistance in doc["assistance"]:
            document.add_boolean_term(f"H{assistance}")
        usd = doc["usd"]
        document.add_boolean_term("F1" if usd is not None else "F0")
        if usd is not None:
            document.add_value(SLOT_USD, serialise(usd))
        document.add_value(SLOT_PUBLISHED, serialise(doc["published"]))
        document.add_value(SLOT_EXPIRES, serialise(doc["expires"]))
        values = {
            "Kind": [doc["kind"]],
            "Place": doc["places"],
            "Area": doc["areas"],
            "Assistance": doc["assistance"],
            "SubmitterType": [doc["submitter_type"]],
            "Funding": [doc["band"]],
        }
        for dimension, (slot, _) in FACET_SLOTS.items():
            document.add_value(slot, ",".join(str(v) for v in sorted(set(values[dimension]))))
        document.set_data(doc["record"])
        self.writing.replace_document(doc["id"], document)
        self.indexing_seconds += time.perf_counter() - started
        self.added += 1

    def commit(self):
        started = time.perf_counter()
        self.writing.commit()
        self.writing.close()
        self.indexing_seconds += time.perf_counter() - started
        path = self.path_of_writing
        if self.db is not None:
            self.db.close()
        self.db = xapian.Database(path)
        self.writing = None
        return {"docs": self.added, "seconds": self.indexing_seconds}

    # Queries.

    def text_query(self, text):
        if text == "None":
            return xapian.Query.MatchAll
        (form, value), = text.items()
        if form == "All":
            # Every word, in the text or the submitter's name.
            return xapian.Query(xapian.Query.OP_AND, [
                xapian.Query(xapian.Query.OP_SYNONYM, [STEM(w), b"XS" + STEM(w)]) for w in value
            ])
        if form == "Phrase":
            a, b = STEM(value[0]), STEM(value[1])
            return xapian.Query(xapian.Query.OP_OR, [
                xapian.Query(xapian.Query.OP_PHRASE, [a, b], 2),
                xapian.Query(xapian.Query.OP_PHRASE, [b"XS" + a, b"XS" + b], 2),
            ])
        if form == "Any":
            # Any word of title, summary or description (matching): not the submitter.
            return xapian.Query(xapian.Query.OP_OR, sorted({STEM(w) for w in value}))
        raise ValueError(f"unknown text {text!r}")

    @staticmethod
    def condition_query(condition):
        kind = condition["type"]

        def terms(prefix):
            return xapian.Query(xapian.Query.OP_OR, [f"{prefix}{v}" for v in condition["values"]])

        if kind == "visible":
            return xapian.Query(xapian.Query.OP_AND, [
                xapian.Query(f"S{condition['status']}"),
                xapian.Query(xapian.Query.OP_VALUE_GE, SLOT_EXPIRES,
                             serialise(condition["now"] + 1)),
            ])
        if kind == "kind":
            return terms("K")
        if kind == "place":
            return terms("P")
        if kind == "area":
            return terms("A")
        if kind == "usd":
            low, high = condition["min"], condition["max"]
            if low is not None and high is not None:
                amount = xapian.Query(xapian.Query.OP_VALUE_RANGE, SLOT_USD, serialise(low),
                                      serialise(high))
            elif low is not None:
                amount = xapian.Query(xapian.Query.OP_VALUE_GE, SLOT_USD, serialise(low))
            else:
                amount = xapian.Query(xapian.Query.OP_VALUE_LE, SLOT_USD, serialise(high))
            return xapian.Query(xapian.Query.OP_AND, [xapian.Query("F1"), amount])
        if kind == "no_usd_or_at_least":
            return xapian.Query(xapian.Query.OP_OR, [
                xapian.Query("F0"),
                xapian.Query(xapian.Query.OP_VALUE_GE, SLOT_USD, serialise(condition["min"])),
            ])
        raise ValueError(f"unknown condition {condition!r}")

    def filtered(self, text, filters, except_dimension=None):
        conditions = [self.condition_query(c) for d, c in filters if d != except_dimension]
        return xapian.Query(xapian.Query.OP_FILTER, text,
                            xapian.Query(xapian.Query.OP_AND, conditions))

    def query(self, plan):
        started = time.perf_counter()
        db = self.db
        everything = db.get_doccount()
        text = self.text_query(plan["text"])
        filters = plan["filters"]
        enquire = xapian.Enquire(db)
        enquire.set_weighting_scheme(xapian.BM25Weight())
        if not plan["by_relevance"]:
            enquire.set_sort_by_value(SLOT_PUBLISHED, True)
        enquire.set_query(self.filtered(text, filters))
        # Dimensions the query does not filter on are counted in the same pass; each one it
        # filters on needs a pass without its own filter.
        filtered_dimensions = {d for d, _ in filters}
        spies = {}
        if plan["facets"]:
            for dimension, (slot, _) in FACET_SLOTS.items():
                if dimension not in filtered_dimensions:
                    spies[dimension] = xapian.ValueCountMatchSpy(slot)
                    enquire.add_matchspy(spies[dimension])
        exact = everything if plan["count"] or plan["facets"] else 0
        mset = enquire.get_mset(plan["offset"], plan["limit"], exact)
        total = None
        if plan["count"]:
            if mset.get_matches_lower_bound() != mset.get_matches_upper_bound():
                raise ValueError("the count is not exact")
            total = mset.get_matches_estimated()
        records = [m.document.get_data().decode() for m in mset] if plan["records"] else []
        hits = mset.size()
        if plan["facets"]:
            facets = {d: facet_counts(spy, FACET_SLOTS[d][1]) for d, spy in spies.items()}
            for dimension in FACET_SLOTS:
                if dimension in filtered_dimensions:
                    own = xapian.Enquire(db)
                    own.set_query(self.filtered(text, filters, dimension))
                    spy = xapian.ValueCountMatchSpy(FACET_SLOTS[dimension][0])
                    own.add_matchspy(spy)
                    own.get_mset(0, 0, everything)
                    facets[dimension] = facet_counts(spy, FACET_SLOTS[dimension][1])
        elapsed = (time.perf_counter() - started) * 1000.0
        return {"ms": elapsed, "total": total, "hits": hits, "records": records}


def facet_counts(spy, multi):
    counts = {}
    for item in spy.values():
        value = item.term.decode()
        if multi:
            for part in value.split(","):
                if part:
                    counts[part] = counts.get(part, 0) + item.termfreq
        elif value:
            counts[value] = item.termfreq
    return counts


def peak_rss_kb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def main():
    engine = Engine()
    out = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "add":
            engine.add(request["doc"])
            continue
        try:
            if op == "begin":
                answer = engine.begin(request["path"])
            elif op == "commit":
                answer = engine.commit()
            elif op == "query":
                answer = engine.query(request["plan"])
            elif op == "memory":
                answer = {"peak_rss_kb": peak_rss_kb()}
            else:
                answer = {"error": f"unknown request {op!r}"}
        except Exception as e:  # noqa: BLE001 (every failure goes back to the harness)
            answer = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    sys.exit(main())
