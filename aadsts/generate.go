package aadsts

//go:generate go run ../internal/cmd/aadstsgen -in codes.csv -out zz_codes.go
