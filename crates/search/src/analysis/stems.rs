//! Words to terms with a memory: lower case, accents folded, English stem. The same words come
//! back again and again (word frequencies follow Zipf's law), and analysing a word (the
//! Snowball stemmer most of all) costs far more than looking it up, for indexing and for
//! snippets alike. Each thread remembers the term of every distinct word it analysed, as the
//! tokenizer gave it, up to a bound; the terms are exactly those of the filters it stands for.

use std::cell::RefCell;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, Stemmer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer,
};

/// How many words and terms each thread's memory may hold: 2 MiB of them, at most three
/// quarters full. A field's vocabulary of 30,000 to 50,000 words, with its capitalised forms,
/// mostly fits; words beyond are analysed each time.
const MAX_SLOTS: usize = 1 << 16;

/// The longest word (and term) remembered, in bytes: nearly every word is shorter.
const MAX_LEN: usize = 15;

/// A word and its term, inline, so that a lookup reads one place in memory. The word is
/// packed with its length in the top byte (never 0 for a word: 0 marks a free slot).
#[derive(Clone, Copy, Default)]
struct Slot {
    word: u128,
    term: [u8; MAX_LEN],
    term_len: u8,
}

/// `word` packed as in [`Slot`]; `None` when it is too long to remember.
fn packed(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_LEN {
        return None;
    }
    let mut key = [0u8; 16];
    key[..bytes.len()].copy_from_slice(bytes);
    key[MAX_LEN] = bytes.len() as u8;
    Some(u128::from_le_bytes(key))
}

/// One thread's words and terms: open addressing, linear probing, growing by doubling up to
/// [`MAX_SLOTS`].
#[derive(Default)]
struct Memory {
    slots: Vec<Slot>,
    len: usize,
}

impl Memory {
    fn first_slot(&self, word: u128) -> usize {
        let mixed = (word as u64 ^ ((word >> 64) as u64).rotate_left(29))
            .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        (mixed >> (64 - self.slots.len().trailing_zeros())) as usize
    }

    fn term(&self, word: u128) -> Option<&str> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut at = self.first_slot(word);
        loop {
            let slot = &self.slots[at];
            if slot.word == word {
                return std::str::from_utf8(&slot.term[..usize::from(slot.term_len)]).ok();
            }
            if slot.word == 0 {
                return None;
            }
            at = (at + 1) & mask;
        }
    }

    fn remember(&mut self, word: u128, term: &str) {
        if term.len() > MAX_LEN {
            return;
        }
        if self.len * 2 >= self.slots.len() {
            if self.slots.len() < MAX_SLOTS {
                self.grow();
            } else if self.len * 4 >= MAX_SLOTS * 3 {
                return;
            }
        }
        let mut slot = Slot {
            word,
            term_len: term.len() as u8,
            ..Slot::default()
        };
        slot.term[..term.len()].copy_from_slice(term.as_bytes());
        self.place(slot);
        self.len += 1;
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut at = self.first_slot(slot.word);
        while self.slots[at].word != 0 {
            at = (at + 1) & mask;
        }
        self.slots[at] = slot;
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(1024);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        for slot in old.into_iter().filter(|slot| slot.word != 0) {
            self.place(slot);
        }
    }
}

thread_local! {
    static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
}

/// Lower case, accents folded and the English Snowball stem (tantivy's `LowerCaser`,
/// `AsciiFoldingFilter` and `Stemmer`, in that order), remembering each word's term.
#[derive(Debug, Clone, Copy, Default)]
pub struct CachedTerms;

impl TokenFilter for CachedTerms {
    type Tokenizer<T: Tokenizer> = CachedTermsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedTermsFilter<T> {
        CachedTermsFilter {
            inner: tokenizer,
            plain: TextAnalyzer::builder(RawTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(Stemmer::new(Language::English))
                .build(),
        }
    }
}

#[derive(Clone)]
pub struct CachedTermsFilter<T> {
    inner: T,
    /// The filters themselves, for one word at a time, on a miss.
    plain: TextAnalyzer,
}

impl<T: Tokenizer> Tokenizer for CachedTermsFilter<T> {
    type TokenStream<'a> = CachedTermsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedTermsStream {
            tail: self.inner.token_stream(text),
            plain: &mut self.plain,
        }
    }
}

pub struct CachedTermsStream<'a, T> {
    tail: T,
    plain: &'a mut TextAnalyzer,
}

/// The term of `word` by the filters themselves.
fn analyse(plain: &mut TextAnalyzer, word: &str) -> String {
    let mut stream = plain.token_stream(word);
    if stream.advance() {
        std::mem::take(&mut stream.token_mut().text)
    } else {
        word.to_string()
    }
}

impl<T: TokenStream> TokenStream for CachedTermsStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let Some(word) = packed(&token.text) else {
            token.text = analyse(self.plain, &token.text);
            return true;
        };
        let known = MEMORY.with_borrow(|memory| match memory.term(word) {
            Some(term) => {
                token.text.clear();
                token.text.push_str(term);
                true
            }
            None => false,
        });
        if !known {
            token.text = analyse(self.plain, &token.text);
            MEMORY.with_borrow_mut(|memory| memory.remember(word, &token.text));
        }
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
    use tantivy::tokenizer::SimpleTokenizer;

    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// The filters themselves, and the remembered terms, after the same tokenizer.
    fn analyzers() -> (TextAnalyzer, TextAnalyzer) {
        let plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(CachedTerms)
            .build();
        (plain, cached)
    }

    #[test]
    fn gives_the_filters_terms_on_first_and_later_sight() {
        let text = "Rehabilitation centres REHABILITATING survivors; happy surveys, \
                    Surveyed and surveying: clearance cleared clearing, rehabilitation again; \
                    Éducation à l'École, ÉDUCATION, Ærø, naïve Straße; Responsibilities, \
                    internationalisation";
        let (mut plain, mut cached) = analyzers();
        let expected = tokens(&mut plain, text);
        assert_eq!(tokens(&mut cached, text), expected);
        // The second time every word comes from memory.
        assert_eq!(tokens(&mut cached, text), expected);
        assert!(expected.contains(&"rehabilit".to_string()), "{expected:?}");
        assert!(expected.contains(&"educ".to_string()), "{expected:?}");
    }

    #[test]
    fn words_beyond_the_bound_are_still_analysed_exactly() {
        // A thread of its own, so that its memory starts empty and fills up here.
        std::thread::spawn(|| {
            let (mut plain, mut cached) = analyzers();
            let words: Vec<String> = (0..MAX_SLOTS + 500)
                .map(|n| format!("Survey{n}s"))
                .collect();
            let text = words.join(" ");
            let expected = tokens(&mut plain, &text);
            assert_eq!(tokens(&mut cached, &text), expected);
            assert_eq!(MEMORY.with_borrow(|memory| memory.len), MAX_SLOTS * 3 / 4);
            assert_eq!(tokens(&mut cached, &text), expected);
        })
        .join()
        .expect("the thread ends");
    }
}
