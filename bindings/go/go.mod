module ordo.dev/ordo

go 1.19
