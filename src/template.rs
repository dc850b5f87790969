//! `blankett template`: the blank Word template of a questionnaire variant.
