package wilayah

// Build exposes build to the tests, which make later lists of their own.
var Build = build
