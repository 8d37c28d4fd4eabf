// sgemm from OpenBLAS (one thread) on Float32Arrays, which may be views of
// the tfjs wasm backend's memory: no data is copied either way. Loaded by
// src/train/blas.ts, which falls back to plain wasm when this is not built.
#include <node_api.h>
#include <cblas.h>
#include <cstdint>
#include <cstring>

// The float32 data of a Float32Array argument (a view: no copy), or null.
static float* Floats(napi_env env, napi_value value, size_t* length) {
  bool is = false;
  napi_is_typedarray(env, value, &is);
  if (!is) return nullptr;
  napi_typedarray_type type;
  void* data = nullptr;
  napi_get_typedarray_info(env, value, &type, length, &data, nullptr, nullptr);
  return type == napi_float32_array ? static_cast<float*>(data) : nullptr;
}

// sgemm(transA, transB, M, N, K, a, b, c, bias, accumulate)
// c[M, N] = op(a) @ op(b), plus c's own values when accumulate, plus bias[N]
// on every row when bias is a Float32Array (null otherwise). All row-major
// Float32Arrays; op(a) is [M, K], op(b) is [K, N].
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc != 10) {
    napi_throw_type_error(env, nullptr, "sgemm: expected 10 arguments");
    return nullptr;
  }
  bool transA = false, transB = false, accumulate = false;
  int64_t M = 0, N = 0, K = 0;
  if (napi_get_value_bool(env, argv[0], &transA) != napi_ok || napi_get_value_bool(env, argv[1], &transB) != napi_ok ||
      napi_get_value_int64(env, argv[2], &M) != napi_ok || napi_get_value_int64(env, argv[3], &N) != napi_ok ||
      napi_get_value_int64(env, argv[4], &K) != napi_ok || napi_get_value_bool(env, argv[9], &accumulate) != napi_ok) {
    napi_throw_type_error(env, nullptr, "sgemm: expected (boolean, boolean, number, number, number, ..., boolean)");
    return nullptr;
  }
  size_t aLength = 0, bLength = 0, cLength = 0, biasLength = 0;
  const float* a = Floats(env, argv[5], &aLength);
  const float* b = Floats(env, argv[6], &bLength);
  float* c = Floats(env, argv[7], &cLength);
  napi_valuetype biasType;
  napi_typeof(env, argv[8], &biasType);
  const float* bias = biasType == napi_null ? nullptr : Floats(env, argv[8], &biasLength);
  if (!a || !b || !c || (biasType != napi_null && !bias)) {
    napi_throw_type_error(env, nullptr, "sgemm: a, b, c (and bias unless null) must be Float32Arrays");
    return nullptr;
  }
  if (M <= 0 || N <= 0 || K <= 0 || static_cast<int64_t>(aLength) < M * K || static_cast<int64_t>(bLength) < K * N ||
      static_cast<int64_t>(cLength) < M * N || (bias && static_cast<int64_t>(biasLength) < N)) {
    napi_throw_range_error(env, nullptr, "sgemm: an array is shorter than its matrix");
    return nullptr;
  }
  if (bias) {
    for (int64_t r = 0; r < M; r++) {
      float* row = c + r * N;
      if (accumulate) {
        for (int64_t j = 0; j < N; j++) row[j] += bias[j];
      } else {
        std::memcpy(row, bias, N * sizeof(float));
      }
    }
  }
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
              M, N, K, 1.0f, a, transA ? M : K, b, transB ? K : N, bias || accumulate ? 1.0f : 0.0f, c, N);
  return nullptr;
}

static napi_value Init(napi_env env, napi_value exports) {
  // One thread whatever OpenBLAS variant is installed: the same sums in the
  // same order on every run, and the machine's other cores left to other runs.
  openblas_set_num_threads(1);
  napi_value fn;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, Sgemm, nullptr, &fn);
  napi_set_named_property(env, exports, "sgemm", fn);
  napi_value config;
  napi_create_string_utf8(env, openblas_get_config(), NAPI_AUTO_LENGTH, &config);
  napi_set_named_property(env, exports, "config", config);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
