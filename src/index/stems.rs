//! English stemming with a memory: the same words come back again and again (word frequencies
//! follow Zipf's law), and the Snowball stemmer is the costliest step of analysing text, for
//! indexing and for snippets alike. Each distinct word is stemmed once and its stem kept, up
//! to a bound; the stems are exactly the stemmer's.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};

use tantivy::tokenizer::{
    Language, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// How many distinct words are remembered; words beyond are stemmed each time.
const MAX_REMEMBERED: usize = 200_000;

fn remembered() -> &'static RwLock<HashMap<String, Box<str>>> {
    static STEMS: OnceLock<RwLock<HashMap<String, Box<str>>>> = OnceLock::new();
    STEMS.get_or_init(|| RwLock::new(HashMap::new()))
}

/// The English Snowball stemmer (as tantivy's `Stemmer`), remembering what it stemmed.
#[derive(Debug, Clone, Copy, Default)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner: tokenizer,
            stemmer: TextAnalyzer::builder(RawTokenizer::default())
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    /// Stems one word at a time, on a miss.
    stemmer: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &mut self.stemmer,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a mut TextAnalyzer,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let cache = remembered();
        {
            let known = cache.read().unwrap_or_else(|e| e.into_inner());
            if let Some(stem) = known.get(&token.text) {
                token.text.clear();
                token.text.push_str(stem);
                return true;
            }
        }
        let stem = {
            let mut stream = self.stemmer.token_stream(&token.text);
            if stream.advance() {
                stream.token().text.clone()
            } else {
                token.text.clone()
            }
        };
        let mut known = cache.write().unwrap_or_else(|e| e.into_inner());
        if known.len() < MAX_REMEMBERED {
            known.insert(std::mem::take(&mut token.text), stem.as_str().into());
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer};

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    #[test]
    fn stems_exactly_as_the_stemmer_does_on_first_and_later_sight() {
        let text = "Rehabilitation centres rehabilitating survivors; happy surveys, \
                    surveyed and surveying: clearance cleared clearing, rehabilitation again";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let expected = tokens(&mut plain, text);
        assert_eq!(tokens(&mut cached, text), expected);
        // The second time every word comes from memory.
        assert_eq!(tokens(&mut cached, text), expected);
        assert!(expected.contains(&"rehabilit".to_string()), "{expected:?}");
    }
}
