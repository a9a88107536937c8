//! HuJSON printer. (Being written.)
