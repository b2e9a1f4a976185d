namespace Agents.Abstractions.Tests.Options;

public sealed class DecodingStrategyTests
{
    [Fact]
    public void Greedy_IsWidthOneWithDefaultPenaltyAndNoBeams()
    {
        var greedy = DecodingStrategy.Greedy;

        Assert.Equal(DecodingKind.Greedy, greedy.Kind);
        Assert.Equal(1, greedy.BeamWidth);
        Assert.Equal(1f, greedy.LengthPenalty);
        Assert.False(greedy.ReturnAllBeams);
        Assert.Equal("Greedy", greedy.ToString());
    }

    [Fact]
    public void Sampling_IsWidthOneWithDefaultPenaltyAndNoBeams()
    {
        var sampling = DecodingStrategy.Sampling;

        Assert.Equal(DecodingKind.Sampling, sampling.Kind);
        Assert.Equal(1, sampling.BeamWidth);
        Assert.Equal(1f, sampling.LengthPenalty);
        Assert.False(sampling.ReturnAllBeams);
        Assert.Equal("Sampling", sampling.ToString());
        Assert.NotEqual(DecodingStrategy.Greedy, sampling);
    }

    [Fact]
    public void Beam_KeepsEveryArgument()
    {
        var beam = DecodingStrategy.Beam(4, 0.5f, returnAllBeams: true);

        Assert.Equal(DecodingKind.Beam, beam.Kind);
        Assert.Equal(4, beam.BeamWidth);
        Assert.Equal(0.5f, beam.LengthPenalty);
        Assert.True(beam.ReturnAllBeams);
        Assert.Equal("Beam(width: 4, lengthPenalty: 0.5)", beam.ToString());
    }

    [Fact]
    public void Beam_Defaults_PenaltyOneAndNoBeams()
    {
        var beam = DecodingStrategy.Beam(2);

        Assert.Equal(1f, beam.LengthPenalty);
        Assert.False(beam.ReturnAllBeams);
        Assert.Equal(DecodingStrategy.Beam(2, 1f, false), beam);
    }

    [Fact]
    public void Beam_BoundaryValues_Accepted()
    {
        Assert.Equal(1, DecodingStrategy.Beam(1).BeamWidth);
        Assert.Equal(0f, DecodingStrategy.Beam(2, 0f).LengthPenalty);
    }

    [Fact]
    public void GetEffectiveDecoding_FollowsTemperatureUnlessSet()
    {
        Assert.Same(DecodingStrategy.Greedy, new GenerationOptions().GetEffectiveDecoding());
        Assert.Same(DecodingStrategy.Greedy, new GenerationOptions { Temperature = 0f }.GetEffectiveDecoding());
        Assert.Same(DecodingStrategy.Sampling, new GenerationOptions { Temperature = 0.01f }.GetEffectiveDecoding());
        var beam = DecodingStrategy.Beam(3);
        Assert.Same(beam, new GenerationOptions { Temperature = 1f, Decoding = beam }.GetEffectiveDecoding());
    }
}
