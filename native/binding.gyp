{
  "targets": [
    {
      "target_name": "initscope_gemm",
      "sources": ["gemm.c"],
      "cflags": ["-O3", "-std=gnu11", "-ffp-contract=off", "-fno-fast-math"],
      "xcode_settings": { "GCC_C_LANGUAGE_STANDARD": "gnu11", "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-fno-fast-math"] }
    }
  ]
}
