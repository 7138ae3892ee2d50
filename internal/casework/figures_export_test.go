package casework

// MedianQuery lets the tests of casework_test check which index a median
// reads.
var MedianQuery = medianQuery
