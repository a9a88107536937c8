//! Python document builder. (Being written.)
