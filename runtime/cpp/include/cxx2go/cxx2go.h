// cxx2go/cxx2go.h — the C++ runtime as users call it: start() and stop(), registering services, futures,
// errors, contexts and call options, executors, Box. Generated headers include it too; generated sources
// add cxx2go/detail/generated.h, which users never need.
#pragma once

#include "cxx2go/require_cxx20.h"

#include "cxx2go/box.h"
#include "cxx2go/context.h"
#include "cxx2go/debug.h"
#include "cxx2go/detail/link_check.h"
#include "cxx2go/error.h"
#include "cxx2go/executor.h"
#include "cxx2go/future.h"
#include "cxx2go/metrics.h"
#include "cxx2go/runtime.h"
#include "cxx2go/service.h"
