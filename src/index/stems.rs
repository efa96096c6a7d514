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

/// The stem of `word`, from the shared memory or, the first time, from the stemmer.
fn stem(stemmer: &mut TextAnalyzer, word: &str) -> Box<str> {
    let cache = remembered();
    {
        let known = cache.read().unwrap_or_else(|e| e.into_inner());
        if let Some(stem) = known.get(word) {
            return stem.clone();
        }
    }
    let stem: Box<str> = {
        let mut stream = stemmer.token_stream(word);
        if stream.advance() {
            stream.token().text.as_str().into()
        } else {
            word.into()
        }
    };
    let mut known = cache.write().unwrap_or_else(|e| e.into_inner());
    if known.len() < MAX_REMEMBERED {
        known.insert(word.to_string(), stem.clone());
    }
    stem
}

/// Each thread's recent words, one per slot: most tokens are among a few thousand frequent
/// words, found here without taking the shared memory's lock (which the indexing threads
/// would otherwise take for every token).
const RECENT_SLOTS: usize = 4_096;

type Recent = Vec<Option<(Box<str>, Box<str>)>>;

thread_local! {
    static RECENT: std::cell::RefCell<Recent> =
        std::cell::RefCell::new(vec![None; RECENT_SLOTS]);
}

/// A word's slot among [`RECENT_SLOTS`] (FNV-1a: words are short and no one chooses them to
/// collide on purpose, and a collision only costs a lookup in the shared memory).
fn slot_of(word: &str) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in word.bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    hash as usize % RECENT_SLOTS
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let slot = slot_of(&token.text);
        let recent = RECENT.with_borrow(|recent| match &recent[slot] {
            Some((word, stem)) if **word == *token.text => {
                token.text.clear();
                token.text.push_str(stem);
                true
            }
            _ => false,
        });
        if recent {
            return true;
        }
        let word: Box<str> = token.text.as_str().into();
        let stem = stem(self.stemmer, &word);
        token.text.clear();
        token.text.push_str(&stem);
        RECENT.with_borrow_mut(|recent| recent[slot] = Some((word, stem)));
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

    /// The stemmer alone, and with its memory, after the same tokenizer and lower-casing.
    fn analyzers() -> (TextAnalyzer, TextAnalyzer) {
        let plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        (plain, cached)
    }

    #[test]
    fn stems_exactly_as_the_stemmer_does_on_first_and_later_sight() {
        let text = "Rehabilitation centres rehabilitating survivors; happy surveys, \
                    surveyed and surveying: clearance cleared clearing, rehabilitation again";
        let (mut plain, mut cached) = analyzers();
        let expected = tokens(&mut plain, text);
        assert_eq!(tokens(&mut cached, text), expected);
        // The second time every word comes from memory.
        assert_eq!(tokens(&mut cached, text), expected);
        assert!(expected.contains(&"rehabilit".to_string()), "{expected:?}");
    }

    #[test]
    fn words_that_share_a_recent_slot_keep_their_own_stems() {
        // Two words of the same slot, found by trying: each evicts the other in turn.
        let first = "surveying".to_string();
        let second = (0..100_000)
            .map(|n| format!("survey{n}ing"))
            .find(|w| slot_of(w) == slot_of(&first))
            .expect("a colliding word");
        let (mut plain, mut cached) = analyzers();
        let text = format!("{first} {second} {first} {second} {second} {first}");
        assert_eq!(tokens(&mut cached, &text), tokens(&mut plain, &text));
    }
}
