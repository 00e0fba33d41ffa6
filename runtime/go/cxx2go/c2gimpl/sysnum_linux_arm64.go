package c2gimpl

const sysMemfdCreate = 279 // syscall.SYS_MEMFD_CREATE
