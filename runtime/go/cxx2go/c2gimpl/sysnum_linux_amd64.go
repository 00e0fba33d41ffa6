package c2gimpl

const sysMemfdCreate = 319 // the syscall package does not name memfd_create on amd64
