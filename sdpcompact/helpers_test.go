package sdpcompact_test

import "errors"

// errorsIs is errors.Is; a short name for long tables.
func errorsIs(err, target error) bool { return errors.Is(err, target) }
