;; fermx's SIMD loops: the hot inner loops of the wasm training kernels (libs/kernels/src/wasm-kernels),
;; 4 floats at a time (V8 does not vectorise JS loops). The module imports the tfjs-wasm heap's own
;; memory, so the loops run on tensors in place; every address is a byte offset into that heap, and
;; loads/stores are unaligned (align=1). The TypeScript signatures are `SimdLoops` in simd-module.ts.
;;
;; This text is the source. `npm run wasm:assemble` assembles it with wabt (npm) into
;; simd-loops-wasm.ts, the bytes fermx ships; simd-loops.test.ts fails when the two differ.
(module
  (import "env" "memory" (memory $env.memory 1))

  ;; acc[i] += a[i] · b[i] for i < n.
  (func $fmaRow (export "fmaRow")
    (param $acc i32) (param $a i32) (param $b i32) (param $n i32)
    (local $i i32) (local $end4 i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $i) (local.get $end4)))
        (v128.store align=1
          (i32.add (local.get $acc) (local.get $i))
          (f32x4.add
            (v128.load align=1 (i32.add (local.get $acc) (local.get $i)))
            (f32x4.mul
              (v128.load align=1 (i32.add (local.get $a) (local.get $i)))
              (v128.load align=1 (i32.add (local.get $b) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $L1)))
    (block $B2
      (loop $L3
        (br_if $B2 (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store
          (i32.add (local.get $acc) (local.get $i))
          (f32.add
            (f32.load (i32.add (local.get $acc) (local.get $i)))
            (f32.mul
              (f32.load (i32.add (local.get $a) (local.get $i)))
              (f32.load (i32.add (local.get $b) (local.get $i))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $L3))))

  ;; Over `bytes` of channels-last rows of `channelBytes`: s1[c] += dy; s2[c] += dy · (x − mu[c]). Channels % 4 = 0.
  (func $bnSums (export "bnSums")
    (param $x i32) (param $dy i32) (param $mu i32) (param $s1 i32) (param $s2 i32) (param $bytes i32) (param $channelBytes i32)
    (local $off i32) (local $c i32) (local $g v128) (local $d v128)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (local.set $c (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $c) (local.get $channelBytes)))
            (local.set $g (v128.load align=1 (i32.add (local.get $dy) (local.get $off))))
            (local.set $d
              (f32x4.sub
                (v128.load align=1 (i32.add (local.get $x) (local.get $off)))
                (v128.load align=1 (i32.add (local.get $mu) (local.get $c)))))
            (v128.store align=1
              (i32.add (local.get $s1) (local.get $c))
              (f32x4.add (v128.load align=1 (i32.add (local.get $s1) (local.get $c))) (local.get $g)))
            (v128.store align=1
              (i32.add (local.get $s2) (local.get $c))
              (f32x4.add
                (v128.load align=1 (i32.add (local.get $s2) (local.get $c)))
                (f32x4.mul (local.get $g) (local.get $d))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $L3)))
        (br $L1))))

  ;; dst = src · factor[c] over channels-last rows of `channelBytes`. Channels % 4 = 0.
  (func $scaleRows (export "scaleRows")
    (param $dst i32) (param $src i32) (param $factor i32) (param $bytes i32) (param $channelBytes i32)
    (local $off i32) (local $c i32)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (local.set $c (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $c) (local.get $channelBytes)))
            (v128.store align=1
              (i32.add (local.get $dst) (local.get $off))
              (f32x4.mul
                (v128.load align=1 (i32.add (local.get $src) (local.get $off)))
                (v128.load align=1 (i32.add (local.get $factor) (local.get $c)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $L3)))
        (br $L1))))

  ;; dst = src · a[c] + b[c] over channels-last rows of `channelBytes`. Channels % 4 = 0.
  (func $affineRows (export "affineRows")
    (param $dst i32) (param $src i32) (param $a i32) (param $b i32) (param $bytes i32) (param $channelBytes i32)
    (local $off i32) (local $c i32)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (local.set $c (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $c) (local.get $channelBytes)))
            (v128.store align=1
              (i32.add (local.get $dst) (local.get $off))
              (f32x4.add
                (f32x4.mul
                  (v128.load align=1 (i32.add (local.get $src) (local.get $off)))
                  (v128.load align=1 (i32.add (local.get $a) (local.get $c))))
                (v128.load align=1 (i32.add (local.get $b) (local.get $c)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $L3)))
        (br $L1))))

  ;; sums[c] += src over channels-last rows of `channelBytes`. Channels % 4 = 0.
  (func $columnSums (export "columnSums")
    (param $src i32) (param $sums i32) (param $bytes i32) (param $channelBytes i32)
    (local $off i32) (local $c i32)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (local.set $c (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $c) (local.get $channelBytes)))
            (v128.store align=1
              (i32.add (local.get $sums) (local.get $c))
              (f32x4.add
                (v128.load align=1 (i32.add (local.get $sums) (local.get $c)))
                (v128.load align=1 (i32.add (local.get $src) (local.get $off)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $L3)))
        (br $L1))))

  ;; dst[cols, rows] = src[rows, cols]ᵀ in 4×4 blocks. rows % 4 = cols % 4 = 0.
  (func $transpose (export "transpose")
    (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $p i32) (local $c i32) (local $rowBytes i32) (local $dstStride i32) (local $from i32) (local $to i32) (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $dstStride (i32.shl (local.get $rows) (i32.const 2)))
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $p) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $from
              (i32.add
                (i32.add (local.get $src) (i32.mul (local.get $p) (local.get $rowBytes)))
                (i32.shl (local.get $c) (i32.const 2))))
            (local.set $to
              (i32.add
                (i32.add (local.get $dst) (i32.mul (local.get $c) (local.get $dstStride)))
                (i32.shl (local.get $p) (i32.const 2))))
            (local.set $r0 (v128.load align=1 (local.get $from)))
            (local.set $r1
              (v128.load align=1 (i32.add (local.get $from) (i32.mul (local.get $rowBytes) (i32.const 1)))))
            (local.set $r2
              (v128.load align=1 (i32.add (local.get $from) (i32.mul (local.get $rowBytes) (i32.const 2)))))
            (local.set $r3
              (v128.load align=1 (i32.add (local.get $from) (i32.mul (local.get $rowBytes) (i32.const 3)))))
            (local.set $t0
              (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
            (local.set $t1
              (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
            (local.set $t2
              (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
            (local.set $t3
              (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
            (v128.store align=1
              (local.get $to)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
            (v128.store align=1
              (i32.add (local.get $to) (local.get $dstStride))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
            (v128.store align=1
              (i32.add (local.get $to) (i32.mul (local.get $dstStride) (i32.const 2)))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
            (v128.store align=1
              (i32.add (local.get $to) (i32.mul (local.get $dstStride) (i32.const 3)))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $L3)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $L1))))

  ;; One max-pool window, all channels: dx[tap] += dy where x[tap] = y (the window's max), only
  ;; at the first such tap in the order of the int32 byte offsets at `taps`. Channels % 4 = 0.
  (func $routeToMax (export "routeToMax")
    (param $dx i32) (param $x i32) (param $y i32) (param $dy i32) (param $taps i32) (param $tapCount i32) (param $channelBytes i32)
    (local $c i32) (local $t i32) (local $off i32) (local $yv v128) (local $g v128) (local $found v128) (local $m v128)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $c) (local.get $channelBytes)))
        (local.set $yv (v128.load align=1 (i32.add (local.get $y) (local.get $c))))
        (local.set $g (v128.load align=1 (i32.add (local.get $dy) (local.get $c))))
        (local.set $found (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set $t (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $t) (local.get $tapCount)))
            (local.set $off
              (i32.add
                (i32.load (i32.add (local.get $taps) (i32.shl (local.get $t) (i32.const 2))))
                (local.get $c)))
            (local.set $m
              (v128.andnot
                (f32x4.eq (v128.load align=1 (i32.add (local.get $x) (local.get $off))) (local.get $yv))
                (local.get $found)))
            (v128.store align=1
              (i32.add (local.get $dx) (local.get $off))
              (f32x4.add
                (v128.load align=1 (i32.add (local.get $dx) (local.get $off)))
                (v128.and (local.get $g) (local.get $m))))
            (local.set $found (v128.or (local.get $found) (local.get $m)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))
            (br $L3)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $L1))))

  ;; acc[ci, co] += Σ_{p < pixels} x[p · xStride + ci] · dy[p, co] (x rows `xStride` bytes apart,
  ;; dy rows dense), in 4×8 register tiles. cin % 4 = 0, cout % 8 = 0. A filter gradient's inner loop.
  (func $outerAccumulate (export "outerAccumulate")
    (param $acc i32) (param $x i32) (param $dy i32) (param $pixels i32) (param $xStride i32) (param $cin i32) (param $cout i32)
    (local $cb i32) (local $ob i32) (local $p i32) (local $xp i32) (local $dp i32) (local $accRow i32) (local $coutBytes i32) (local $cinBytes i32) (local $a0lo v128) (local $a0hi v128) (local $a1lo v128) (local $a1hi v128) (local $a2lo v128) (local $a2hi v128) (local $a3lo v128) (local $a3hi v128) (local $d0 v128) (local $d1 v128) (local $xs v128)
    (local.set $coutBytes (i32.shl (local.get $cout) (i32.const 2)))
    (local.set $cinBytes (i32.shl (local.get $cin) (i32.const 2)))
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $cb) (local.get $cinBytes)))
        (local.set $ob (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $ob) (local.get $coutBytes)))
            (local.set $accRow
              (i32.add (i32.add (local.get $acc) (i32.mul (local.get $cb) (local.get $cout))) (local.get $ob)))
            (local.set $a0lo (v128.load align=1 (local.get $accRow)))
            (local.set $a0hi (v128.load offset=16 align=1 (local.get $accRow)))
            (local.set $a1lo
              (v128.load align=1 (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 1)))))
            (local.set $a1hi
              (v128.load offset=16 align=1
                (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 1)))))
            (local.set $a2lo
              (v128.load align=1 (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 2)))))
            (local.set $a2hi
              (v128.load offset=16 align=1
                (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 2)))))
            (local.set $a3lo
              (v128.load align=1 (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 3)))))
            (local.set $a3hi
              (v128.load offset=16 align=1
                (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 3)))))
            (local.set $xp (i32.add (local.get $x) (local.get $cb)))
            (local.set $dp (i32.add (local.get $dy) (local.get $ob)))
            (local.set $p (i32.const 0))
            (block $B4
              (loop $L5
                (br_if $B4 (i32.ge_u (local.get $p) (local.get $pixels)))
                (local.set $d0 (v128.load align=1 (local.get $dp)))
                (local.set $d1 (v128.load offset=16 align=1 (local.get $dp)))
                (local.set $xs (v128.load32_splat align=1 (local.get $xp)))
                (local.set $a0lo (f32x4.add (local.get $a0lo) (f32x4.mul (local.get $xs) (local.get $d0))))
                (local.set $a0hi (f32x4.add (local.get $a0hi) (f32x4.mul (local.get $xs) (local.get $d1))))
                (local.set $xs (v128.load32_splat offset=4 align=1 (local.get $xp)))
                (local.set $a1lo (f32x4.add (local.get $a1lo) (f32x4.mul (local.get $xs) (local.get $d0))))
                (local.set $a1hi (f32x4.add (local.get $a1hi) (f32x4.mul (local.get $xs) (local.get $d1))))
                (local.set $xs (v128.load32_splat offset=8 align=1 (local.get $xp)))
                (local.set $a2lo (f32x4.add (local.get $a2lo) (f32x4.mul (local.get $xs) (local.get $d0))))
                (local.set $a2hi (f32x4.add (local.get $a2hi) (f32x4.mul (local.get $xs) (local.get $d1))))
                (local.set $xs (v128.load32_splat offset=12 align=1 (local.get $xp)))
                (local.set $a3lo (f32x4.add (local.get $a3lo) (f32x4.mul (local.get $xs) (local.get $d0))))
                (local.set $a3hi (f32x4.add (local.get $a3hi) (f32x4.mul (local.get $xs) (local.get $d1))))
                (local.set $xp (i32.add (local.get $xp) (local.get $xStride)))
                (local.set $dp (i32.add (local.get $dp) (local.get $coutBytes)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $L5)))
            (v128.store align=1 (local.get $accRow) (local.get $a0lo))
            (v128.store offset=16 align=1 (local.get $accRow) (local.get $a0hi))
            (v128.store align=1
              (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 1)))
              (local.get $a1lo))
            (v128.store offset=16 align=1
              (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 1)))
              (local.get $a1hi))
            (v128.store align=1
              (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 2)))
              (local.get $a2lo))
            (v128.store offset=16 align=1
              (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 2)))
              (local.get $a2hi))
            (v128.store align=1
              (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 3)))
              (local.get $a3lo))
            (v128.store offset=16 align=1
              (i32.add (local.get $accRow) (i32.mul (local.get $coutBytes) (i32.const 3)))
              (local.get $a3hi))
            (local.set $ob (i32.add (local.get $ob) (i32.const 32)))
            (br $L3)))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $L1))))

  ;; acc[c] += Σ_{p < pixels} x[p · xStride + c] · dy[p, c] for c < channels (dy rows dense), 16
  ;; channels per pass in registers. channels % 16 = 0. The depthwise filter gradient's inner loop.
  (func $diagonalAccumulate (export "diagonalAccumulate")
    (param $acc i32) (param $x i32) (param $dy i32) (param $pixels i32) (param $xStride i32) (param $channels i32)
    (local $cb i32) (local $p i32) (local $xp i32) (local $dp i32) (local $rowBytes i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local.set $rowBytes (i32.shl (local.get $channels) (i32.const 2)))
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $cb) (local.get $rowBytes)))
        (local.set $a0 (v128.load align=1 (i32.add (local.get $acc) (local.get $cb))))
        (local.set $a1 (v128.load offset=16 align=1 (i32.add (local.get $acc) (local.get $cb))))
        (local.set $a2 (v128.load offset=32 align=1 (i32.add (local.get $acc) (local.get $cb))))
        (local.set $a3 (v128.load offset=48 align=1 (i32.add (local.get $acc) (local.get $cb))))
        (local.set $xp (i32.add (local.get $x) (local.get $cb)))
        (local.set $dp (i32.add (local.get $dy) (local.get $cb)))
        (local.set $p (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $p) (local.get $pixels)))
            (local.set $a0
              (f32x4.add
                (local.get $a0)
                (f32x4.mul (v128.load align=1 (local.get $xp)) (v128.load align=1 (local.get $dp)))))
            (local.set $a1
              (f32x4.add
                (local.get $a1)
                (f32x4.mul
                  (v128.load offset=16 align=1 (local.get $xp))
                  (v128.load offset=16 align=1 (local.get $dp)))))
            (local.set $a2
              (f32x4.add
                (local.get $a2)
                (f32x4.mul
                  (v128.load offset=32 align=1 (local.get $xp))
                  (v128.load offset=32 align=1 (local.get $dp)))))
            (local.set $a3
              (f32x4.add
                (local.get $a3)
                (f32x4.mul
                  (v128.load offset=48 align=1 (local.get $xp))
                  (v128.load offset=48 align=1 (local.get $dp)))))
            (local.set $xp (i32.add (local.get $xp) (local.get $xStride)))
            (local.set $dp (i32.add (local.get $dp) (local.get $rowBytes)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $L3)))
        (v128.store align=1 (i32.add (local.get $acc) (local.get $cb)) (local.get $a0))
        (v128.store offset=16 align=1 (i32.add (local.get $acc) (local.get $cb)) (local.get $a1))
        (v128.store offset=32 align=1 (i32.add (local.get $acc) (local.get $cb)) (local.get $a2))
        (v128.store offset=48 align=1 (i32.add (local.get $acc) (local.get $cb)) (local.get $a3))
        (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
        (br $L1))))

  ;; sums[c] += Σ_{r < rows} src[r, c], 16 channels per pass held in registers. channelBytes % 64 = 0.
  (func $columnSumsWide (export "columnSumsWide")
    (param $src i32) (param $sums i32) (param $rows i32) (param $channelBytes i32)
    (local $cb i32) (local $r i32) (local $p i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $cb) (local.get $channelBytes)))
        (local.set $a0 (v128.load align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $a1 (v128.load offset=16 align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $a2 (v128.load offset=32 align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $a3 (v128.load offset=48 align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $p (i32.add (local.get $src) (local.get $cb)))
        (local.set $r (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $a0 (f32x4.add (local.get $a0) (v128.load align=1 (local.get $p))))
            (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 align=1 (local.get $p))))
            (local.set $a2 (f32x4.add (local.get $a2) (v128.load offset=32 align=1 (local.get $p))))
            (local.set $a3 (f32x4.add (local.get $a3) (v128.load offset=48 align=1 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $channelBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $L3)))
        (v128.store align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a0))
        (v128.store offset=16 align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a1))
        (v128.store offset=32 align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a2))
        (v128.store offset=48 align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a3))
        (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
        (br $L1))))

  ;; Copies `pixels` rows of `pixelBytes` (a multiple of 16) from dense src to dst rows `dstStride` bytes apart.
  (func $stridedCopy (export "stridedCopy")
    (param $dst i32) (param $src i32) (param $pixels i32) (param $dstStride i32) (param $pixelBytes i32)
    (local $p i32) (local $b i32)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $p) (local.get $pixels)))
        (local.set $b (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $b) (local.get $pixelBytes)))
            (v128.store align=1
              (i32.add (local.get $dst) (local.get $b))
              (v128.load align=1 (i32.add (local.get $src) (local.get $b))))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (br $L3)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $src (i32.add (local.get $src) (local.get $pixelBytes)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $L1))))

  ;; dx = x > 0 ? dy : 0 (TensorFlow's ReluGrad) over `bytes` (a multiple of 16).
  (func $reluGrad (export "reluGrad")
    (param $dx i32) (param $x i32) (param $dy i32) (param $bytes i32)
    (local $off i32)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (v128.store align=1
          (i32.add (local.get $dx) (local.get $off))
          (v128.and
            (v128.load align=1 (i32.add (local.get $dy) (local.get $off)))
            (f32x4.gt
              (v128.load align=1 (i32.add (local.get $x) (local.get $off)))
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $L1))))

  ;; dx = dy · (x · 2) (tfjs-core's Square gradient, same rounding) over `bytes` (a multiple of 16).
  (func $squareGrad (export "squareGrad")
    (param $dx i32) (param $x i32) (param $dy i32) (param $bytes i32)
    (local $off i32) (local $two v128)
    (local.set $two (i32x4.splat (i32.const 1073741824)))
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (v128.store align=1
          (i32.add (local.get $dx) (local.get $off))
          (f32x4.mul
            (v128.load align=1 (i32.add (local.get $dy) (local.get $off)))
            (f32x4.mul (v128.load align=1 (i32.add (local.get $x) (local.get $off))) (local.get $two))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $L1))))

  ;; One Adam step over n floats in the order and float32 rounding of the composed ops:
  ;; m = m·b1 + g·(1−b1) and v = v·b2 + g²·(1−b2) in place; wOut = w − m / (√v + ε) · stepSize.
  (func $adamUpdate (export "adamUpdate")
    (param $wOut i32) (param $w i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32) (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32) (param $epsilon f32) (param $stepSize f32)
    (local $i i32) (local $end4 i32) (local $end i32) (local $beta1x4 v128) (local $oneMinusBeta1x4 v128) (local $beta2x4 v128) (local $oneMinusBeta2x4 v128) (local $epsilonx4 v128) (local $stepSizex4 v128) (local $gx4 v128) (local $mx4 v128) (local $vx4 v128) (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $beta1x4 (f32x4.splat (local.get $beta1)))
    (local.set $oneMinusBeta1x4 (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $beta2x4 (f32x4.splat (local.get $beta2)))
    (local.set $oneMinusBeta2x4 (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $epsilonx4 (f32x4.splat (local.get $epsilon)))
    (local.set $stepSizex4 (f32x4.splat (local.get $stepSize)))
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $i) (local.get $end4)))
        (local.set $gx4 (v128.load align=1 (i32.add (local.get $g) (local.get $i))))
        (v128.store align=1
          (i32.add (local.get $m) (local.get $i))
          (local.tee $mx4
            (f32x4.add
              (f32x4.mul (v128.load align=1 (i32.add (local.get $m) (local.get $i))) (local.get $beta1x4))
              (f32x4.mul (local.get $gx4) (local.get $oneMinusBeta1x4)))))
        (v128.store align=1
          (i32.add (local.get $v) (local.get $i))
          (local.tee $vx4
            (f32x4.add
              (f32x4.mul (v128.load align=1 (i32.add (local.get $v) (local.get $i))) (local.get $beta2x4))
              (f32x4.mul (f32x4.mul (local.get $gx4) (local.get $gx4)) (local.get $oneMinusBeta2x4)))))
        (v128.store align=1
          (i32.add (local.get $wOut) (local.get $i))
          (f32x4.sub
            (v128.load align=1 (i32.add (local.get $w) (local.get $i)))
            (f32x4.mul
              (f32x4.div (local.get $mx4) (f32x4.add (f32x4.sqrt (local.get $vx4)) (local.get $epsilonx4)))
              (local.get $stepSizex4))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $L1)))
    (block $B2
      (loop $L3
        (br_if $B2 (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (f32.store
          (i32.add (local.get $m) (local.get $i))
          (local.tee $ms
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $beta1))
              (f32.mul (local.get $gs) (local.get $oneMinusBeta1)))))
        (f32.store
          (i32.add (local.get $v) (local.get $i))
          (local.tee $vs
            (f32.add
              (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $beta2))
              (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $oneMinusBeta2)))))
        (f32.store
          (i32.add (local.get $wOut) (local.get $i))
          (f32.sub
            (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.mul
              (f32.div (local.get $ms) (f32.add (f32.sqrt (local.get $vs)) (local.get $epsilon)))
              (local.get $stepSize))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $L3))))

  ;; sums[c] += (src − mu[c])² over channels-last rows of `channelBytes`. Channels % 4 = 0.
  (func $centredSquares (export "centredSquares")
    (param $src i32) (param $mu i32) (param $sums i32) (param $bytes i32) (param $channelBytes i32)
    (local $off i32) (local $c i32) (local $d v128)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (local.set $c (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $c) (local.get $channelBytes)))
            (local.set $d
              (f32x4.sub
                (v128.load align=1 (i32.add (local.get $src) (local.get $off)))
                (v128.load align=1 (i32.add (local.get $mu) (local.get $c)))))
            (v128.store align=1
              (i32.add (local.get $sums) (local.get $c))
              (f32x4.add
                (v128.load align=1 (i32.add (local.get $sums) (local.get $c)))
                (f32x4.mul (local.get $d) (local.get $d))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $L3)))
        (br $L1))))

  ;; sums[c] += Σ_{r < rows} (src[r, c] − mu[c])², 16 channels per pass held in registers. channelBytes % 64 = 0.
  (func $centredSquaresWide (export "centredSquaresWide")
    (param $src i32) (param $mu i32) (param $sums i32) (param $rows i32) (param $channelBytes i32)
    (local $cb i32) (local $r i32) (local $p i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $d v128)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $cb) (local.get $channelBytes)))
        (local.set $a0 (v128.load align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $m0 (v128.load align=1 (i32.add (local.get $mu) (local.get $cb))))
        (local.set $a1 (v128.load offset=16 align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $m1 (v128.load offset=16 align=1 (i32.add (local.get $mu) (local.get $cb))))
        (local.set $a2 (v128.load offset=32 align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $m2 (v128.load offset=32 align=1 (i32.add (local.get $mu) (local.get $cb))))
        (local.set $a3 (v128.load offset=48 align=1 (i32.add (local.get $sums) (local.get $cb))))
        (local.set $m3 (v128.load offset=48 align=1 (i32.add (local.get $mu) (local.get $cb))))
        (local.set $p (i32.add (local.get $src) (local.get $cb)))
        (local.set $r (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $a0
              (f32x4.add
                (local.get $a0)
                (f32x4.mul
                  (local.tee $d (f32x4.sub (v128.load align=1 (local.get $p)) (local.get $m0)))
                  (local.get $d))))
            (local.set $a1
              (f32x4.add
                (local.get $a1)
                (f32x4.mul
                  (local.tee $d (f32x4.sub (v128.load offset=16 align=1 (local.get $p)) (local.get $m1)))
                  (local.get $d))))
            (local.set $a2
              (f32x4.add
                (local.get $a2)
                (f32x4.mul
                  (local.tee $d (f32x4.sub (v128.load offset=32 align=1 (local.get $p)) (local.get $m2)))
                  (local.get $d))))
            (local.set $a3
              (f32x4.add
                (local.get $a3)
                (f32x4.mul
                  (local.tee $d (f32x4.sub (v128.load offset=48 align=1 (local.get $p)) (local.get $m3)))
                  (local.get $d))))
            (local.set $p (i32.add (local.get $p) (local.get $channelBytes)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $L3)))
        (v128.store align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a0))
        (v128.store offset=16 align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a1))
        (v128.store offset=32 align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a2))
        (v128.store offset=48 align=1 (i32.add (local.get $sums) (local.get $cb)) (local.get $a3))
        (local.set $cb (i32.add (local.get $cb) (i32.const 64)))
        (br $L1))))

  ;; dst = dy · a[c] + (x − mu[c]) · b[c] + k[c] over channels-last rows of `channelBytes`: the
  ;; training batch-norm input gradient as one affine pass. Channels % 4 = 0.
  (func $bnTrainingDx (export "bnTrainingDx")
    (param $dst i32) (param $dy i32) (param $x i32) (param $a i32) (param $mu i32) (param $b i32) (param $k i32) (param $bytes i32) (param $channelBytes i32)
    (local $off i32) (local $c i32)
    (block $B0
      (loop $L1
        (br_if $B0 (i32.ge_u (local.get $off) (local.get $bytes)))
        (local.set $c (i32.const 0))
        (block $B2
          (loop $L3
            (br_if $B2 (i32.ge_u (local.get $c) (local.get $channelBytes)))
            (v128.store align=1
              (i32.add (local.get $dst) (local.get $off))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul
                    (v128.load align=1 (i32.add (local.get $dy) (local.get $off)))
                    (v128.load align=1 (i32.add (local.get $a) (local.get $c))))
                  (f32x4.mul
                    (f32x4.sub
                      (v128.load align=1 (i32.add (local.get $x) (local.get $off)))
                      (v128.load align=1 (i32.add (local.get $mu) (local.get $c))))
                    (v128.load align=1 (i32.add (local.get $b) (local.get $c)))))
                (v128.load align=1 (i32.add (local.get $k) (local.get $c)))))
            (local.set $off (i32.add (local.get $off) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $L3)))
        (br $L1)))))
