using Agents.Backends.Llama.PrefixCache;
using LLama.Native;

namespace Agents.Backends.Llama.Tests.PrefixCache;

public sealed class SequenceStateIOTests
{
    private static readonly LLamaSeqId s_first = (LLamaSeqId)0;
    private static readonly LLamaSeqId s_second = (LLamaSeqId)1;

    [Fact]
    public void TryRestore_SavedPrefixThenSuffix_GivesColdPrefillLogitsAndGreedyTokensBitForBit()
    {
        using var decoder = new RawDecoder();
        var prefix = RawDecoder.Tokens(1, 400);
        var suffix = RawDecoder.Tokens(2, 30);
        LLamaToken[] prompt = [.. prefix, .. suffix];
        var cold = decoder.Cold(s_first, prompt, generate: 24);

        decoder.Evaluate(s_first, prefix, 0);
        var state = SequenceStateIO.Save(decoder.Handle, s_first);
        decoder.Handle.MemoryClear(data: true);
        Assert.True(SequenceStateIO.TryRestore(decoder.Handle, s_second, state));
        var logits = decoder.Evaluate(s_second, suffix, prefix.Length);
        var output = decoder.Greedy(s_second, logits, prompt.Length, 24);

        Assert.Equal(cold.Logits, logits);
        Assert.Equal(cold.Output, output);
    }

    [Fact]
    public void TryRestore_LongerStateTrimmedToSharedPrefix_GivesColdPrefillResult()
    {
        using var decoder = new RawDecoder();
        var prefix = RawDecoder.Tokens(3, 300);
        LLamaToken[] earlier = [.. prefix, .. RawDecoder.Tokens(4, 60)];
        LLamaToken[] prompt = [.. prefix, .. RawDecoder.Tokens(5, 20)];
        var cold = decoder.Cold(s_first, prompt, generate: 16);

        decoder.Evaluate(s_first, earlier, 0);
        var state = SequenceStateIO.Save(decoder.Handle, s_first);
        decoder.Handle.MemoryClear(data: true);
        Assert.True(SequenceStateIO.TryRestore(decoder.Handle, s_second, state));
        decoder.Handle.MemorySequenceRemove(s_second, prefix.Length, -1);
        var logits = decoder.Evaluate(s_second, prompt.AsSpan(prefix.Length), prefix.Length);

        Assert.Equal(cold.Logits, logits);
        Assert.Equal(cold.Output, decoder.Greedy(s_second, logits, prompt.Length, 16));
    }

    [Fact]
    public void SaveNative_SameSequence_HoldsTheSameBytesAndRefusesUseAfterDispose()
    {
        using var decoder = new RawDecoder();
        decoder.Evaluate(s_first, RawDecoder.Tokens(9, 150), 0);
        var managed = SequenceStateIO.Save(decoder.Handle, s_first);
        var native = SequenceStateIO.SaveNative(decoder.Handle, s_first);

        Assert.Equal(managed.LongLength, native.SizeInBytes);
        Assert.True(native.Bytes.SequenceEqual(managed));
        native.Dispose();
        native.Dispose();
        Assert.Throws<ObjectDisposedException>(() => native.Bytes.Length);
    }

    [Fact]
    public void Save_StateSize_GrowsWithTokens()
    {
        using var decoder = new RawDecoder();
        decoder.Evaluate(s_first, RawDecoder.Tokens(6, 100), 0);
        var small = SequenceStateIO.Save(decoder.Handle, s_first).Length;
        decoder.Evaluate(s_first, RawDecoder.Tokens(7, 100), 100);
        var large = SequenceStateIO.Save(decoder.Handle, s_first).Length;

        Assert.True(large > small, $"{large} bytes for 200 tokens, {small} for 100");
    }

    [Fact]
    public void TryRestore_TruncatedState_ReturnsFalseAndLeavesTheSequenceEmpty()
    {
        using var decoder = new RawDecoder();
        decoder.Evaluate(s_first, RawDecoder.Tokens(8, 120), 0);
        var state = SequenceStateIO.Save(decoder.Handle, s_first);

        Assert.False(SequenceStateIO.TryRestore(decoder.Handle, s_second, state.AsSpan(0, state.Length / 2)));
        Assert.False(SequenceStateIO.TryRestore(decoder.Handle, s_second, []));
        Assert.Equal(-1, decoder.Handle.MemorySequenceMaxPosition(s_second).Value);
    }
}
