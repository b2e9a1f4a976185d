using Agents.Backends.Onnx;

namespace Agents.Backends.Onnx.Tests;

/// <summary>Inputs an attacker (or a hostile document) could hand the embedder: each must embed or fail typed.</summary>
[Collection(SharedEncoderGroup.Name)]
public sealed class HostileInputTests(SharedEncoder shared)
{
    [Theory]
    [InlineData("")]
    [InlineData("\0\u0001\u0002\u001b[31m")]
    [InlineData("\u202e\u200b\u200d\ufeff")]
    [InlineData("🙂🙂🙂 日本語のテキスト עברית")]
    [InlineData("[CLS] [SEP] [PAD] [MASK] [UNK]")]
    public async Task GenerateAsync_OddText_ReturnsAFiniteUnitVector(string text)
    {
        var result = await shared.Generator.GenerateAsync([text]);

        var vector = result[0].Vector.Span;
        Assert.Equal(384, vector.Length);
        foreach (var value in vector)
        {
            Assert.True(float.IsFinite(value));
        }

        Assert.Equal(1.0, VectorMath.Norm(vector), 3);
    }

    [Fact]
    public async Task GenerateAsync_VeryLongInput_IsReadUpToTheModelWindow()
    {
        var head = string.Join(' ', Enumerable.Repeat("rivers and mountains", 200));
        var result = await shared.Generator.GenerateAsync([head, head + " " + string.Join(' ', Enumerable.Repeat("completely different tail", 2000))]);

        // Past the model's window extra text changes nothing: the input is truncated, not rejected or crashed on.
        Assert.Equal(1.0, VectorMath.Dot(result[0].Vector.Span, result[1].Vector.Span), 4);
    }

    [Fact]
    public async Task GenerateAsync_OneHugeWord_Embeds()
    {
        var result = await shared.Generator.GenerateAsync([new string('x', 50_000)]);

        Assert.Equal(384, result[0].Vector.Length);
    }
}
