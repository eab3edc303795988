module ordo.dev/examples/go

go 1.19

require ordo.dev/ordo v0.0.0

replace ordo.dev/ordo => ../../bindings/go
