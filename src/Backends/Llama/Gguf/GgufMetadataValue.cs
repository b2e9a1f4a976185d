namespace Agents.Backends.Llama.Gguf;

/// <summary>One GGUF metadata value, kept with its exact type so it can be written back unchanged.</summary>
/// <param name="Type">The value's type.</param>
/// <param name="Value">
/// The value: a CLR primitive matching <paramref name="Type"/>, a <see cref="string"/>, or for arrays an
/// <see cref="Array"/> of the element type (<c>string[]</c>, <c>float[]</c>, <c>int[]</c>, …).
/// </param>
/// <param name="ElementType">For arrays, the element type; otherwise ignored.</param>
internal sealed record GgufMetadataValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public static GgufMetadataValue String(string value) => new(GgufValueType.String, value);

    public static GgufMetadataValue UInt32(uint value) => new(GgufValueType.UInt32, value);

    public static GgufMetadataValue Float32(float value) => new(GgufValueType.Float32, value);

    /// <summary>Reads an integer value of any integer type as <see cref="long"/>.</summary>
    /// <returns>The value, or <see langword="null"/> when this is not an integer.</returns>
    public long? AsInt64() => Value switch
    {
        byte v => v,
        sbyte v => v,
        ushort v => v,
        short v => v,
        uint v => v,
        int v => v,
        ulong v => (long)v,
        long v => v,
        _ => null,
    };
}
