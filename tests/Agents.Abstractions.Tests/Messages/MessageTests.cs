using System.Text.Json;

namespace Agents.Abstractions.Tests.Messages;

public sealed class MessageTests
{
    [Fact]
    public void Factories_SetRoleAndText()
    {
        Assert.Equal((MessageRole.System, "s"), (Message.System("s").Role, Message.System("s").Text));
        Assert.Equal((MessageRole.User, "u"), (Message.User("u").Role, Message.User("u").Text));
        Assert.Equal((MessageRole.Assistant, "a"), (Message.Assistant("a").Role, Message.Assistant("a").Text));
    }

    [Fact]
    public void Constructor_NullText_ReadsAsEmpty()
    {
        var message = new Message(MessageRole.Assistant, null);

        Assert.Equal(string.Empty, message.Text);
        Assert.Empty(message.ToolCalls);
        Assert.Null(message.Name);
        Assert.Null(message.ToolCallId);
    }

    [Fact]
    public void ToolResult_CarriesCallIdAndName()
    {
        var message = Message.ToolResult("call-1", "{\"ok\":true}", "lookup");

        Assert.Equal(MessageRole.Tool, message.Role);
        Assert.Equal("{\"ok\":true}", message.Text);
        Assert.Equal("call-1", message.ToolCallId);
        Assert.Equal("lookup", message.Name);
        Assert.Null(Message.ToolResult("call-2", "x").Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void ToolResult_NoCallId_Throws(string? id) =>
        Assert.ThrowsAny<ArgumentException>(() => Message.ToolResult(id!, "x"));

    [Fact]
    public void Equals_ComparesEveryMember()
    {
        var call = new ToolCall("1", "t", "{}");
        var baseline = Message.Assistant("a") with { Name = "n", ToolCallId = "c", ToolCalls = [call] };

        Assert.Equal(baseline, Message.Assistant("a") with { Name = "n", ToolCallId = "c", ToolCalls = [new ToolCall("1", "t", "{}")] });
        Assert.Equal(baseline.GetHashCode(), (Message.Assistant("a") with { Name = "n", ToolCallId = "c", ToolCalls = [call] }).GetHashCode());
        Assert.NotEqual(baseline, baseline with { Role = MessageRole.User });
        Assert.NotEqual(baseline, baseline with { Text = "b" });
        Assert.NotEqual(baseline, baseline with { Text = "A" });
        Assert.NotEqual(baseline, baseline with { Name = "m" });
        Assert.NotEqual(baseline, baseline with { ToolCallId = "d" });
        Assert.NotEqual(baseline, baseline with { ToolCalls = [] });
        Assert.NotEqual(baseline, baseline with { ToolCalls = [new ToolCall("2", "t", "{}")] });
        Assert.False(baseline.Equals(null));
    }

    [Fact]
    public void ToolDefinition_ValidatesNameAndDefaultsSchema()
    {
        var tool = new ToolDefinition("get_weather-2", "Weather.");

        Assert.Equal("get_weather-2", tool.Name);
        Assert.Equal("Weather.", tool.Description);
        Assert.Equal("object", tool.ParametersSchema.GetProperty("type").GetString());
        Assert.Throws<ArgumentException>(() => new ToolDefinition("bad name"));
        Assert.Throws<ArgumentException>(() => new ToolDefinition("naïve"));
        Assert.ThrowsAny<ArgumentException>(() => new ToolDefinition(""));
    }

    [Fact]
    public void ToolDefinition_Equals_ComparesNameDescriptionAndSchemaText()
    {
        var schema = JsonDocument.Parse("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}").RootElement;
        var tool = new ToolDefinition("search", "Find.", schema);

        Assert.Equal(tool, new ToolDefinition("search", "Find.", schema.Clone()));
        Assert.NotEqual(tool, new ToolDefinition("search", "Find."));
        Assert.NotEqual(tool, new ToolDefinition("search", "Look.", schema));
        Assert.NotEqual(tool, new ToolDefinition("find", "Find.", schema));
        Assert.False(tool.Equals(null));
    }
}
