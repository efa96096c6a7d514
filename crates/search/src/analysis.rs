//! How the index reads words: lower case, accents folded, English stems. The glossary, the
//! activities and every text field read words the same way.

mod stems;

use tantivy::tokenizer::{RemoveLongFilter, SimpleTokenizer, TextAnalyzer};

/// The analyzer for every text field: words, lower case, accents folded, English stems.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(stems::CachedTerms)
        .build()
}
