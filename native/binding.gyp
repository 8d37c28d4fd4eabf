{
  "targets": [
    {
      "target_name": "blas",
      "sources": ["blas.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags_cc": ["-O2"],
      "libraries": ["-lopenblas"]
    }
  ]
}
