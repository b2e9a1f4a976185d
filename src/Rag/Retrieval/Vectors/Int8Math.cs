using System.Runtime.Intrinsics;

namespace Agents.Rag;

/// <summary>Dot products of 8-bit vectors, widened so they never overflow.</summary>
internal static class Int8Math
{
    public static int Dot(ReadOnlySpan<sbyte> left, ReadOnlySpan<sbyte> right)
    {
        var i = 0;
        var sum = 0;
        if (Vector256.IsHardwareAccelerated && left.Length >= Vector256<sbyte>.Count)
        {
            var accumulator = Vector256<int>.Zero;
            for (; i <= left.Length - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
            {
                var (leftLow, leftHigh) = Vector256.Widen(Vector256.Create(left.Slice(i, Vector256<sbyte>.Count)));
                var (rightLow, rightHigh) = Vector256.Widen(Vector256.Create(right.Slice(i, Vector256<sbyte>.Count)));

                // Each product is at most 127 * 127, so the sum of two still fits a short.
                var products = (leftLow * rightLow) + (leftHigh * rightHigh);
                var (low, high) = Vector256.Widen(products);
                accumulator += low + high;
            }

            sum = Vector256.Sum(accumulator);
        }

        for (; i < left.Length; i++)
        {
            sum += left[i] * right[i];
        }

        return sum;
    }

    /// <summary>Quantizes <paramref name="vector"/> into <paramref name="destination"/>; returns the scale back to floats.</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> destination)
    {
        var maxAbsolute = System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(vector);
        maxAbsolute = Math.Abs(maxAbsolute);
        if (maxAbsolute == 0)
        {
            destination.Clear();
            return 0;
        }

        var scale = maxAbsolute / 127f;
        for (var i = 0; i < vector.Length; i++)
        {
            destination[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127, 127);
        }

        return scale;
    }
}
