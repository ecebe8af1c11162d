package web

//go:generate go run ./internal/build
