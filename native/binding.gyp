{
  "targets": [
    {
      "target_name": "initscope_gemm",
      "sources": ["gemm.c"],
      "cflags": ["-O3", "-std=gnu11", "-ffp-contract=off", "-fno-fast-math"],
      "xcode_settings": { "OTHER_CFLAGS": ["-O3", "-ffp-contract=off"] }
    }
  ]
}
