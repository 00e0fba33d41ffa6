// cxx2go/cxx2go.h — everything generated code and users need from the C++ runtime.
#pragma once

#include "cxx2go/require_cxx20.h"

#include "cxx2go/abi.h"
#include "cxx2go/box.h"
#include "cxx2go/context.h"
#include "cxx2go/detail/call.h"
#include "cxx2go/detail/codec.h"
#include "cxx2go/detail/link_check.h"
#include "cxx2go/detail/wire.h"
#include "cxx2go/error.h"
#include "cxx2go/executor.h"
#include "cxx2go/future.h"
#include "cxx2go/runtime.h"
#include "cxx2go/service.h"
