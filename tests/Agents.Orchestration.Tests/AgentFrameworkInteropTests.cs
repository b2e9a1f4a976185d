using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Agents.Orchestration.Tests;

public class AgentFrameworkInteropTests
{
    [Fact]
    public async Task ChatClientAgent_OverOurGenerator_CallsOurToolAndAnswers()
    {
        var calculator = BuiltInTools.Calculator();
        var script = new ScriptedGenerator()
            .Then(request =>
            {
                Assert.Equal("You are a careful calculator.", request.Messages[0].Text);
                Assert.Equal("calculator", Assert.Single(request.Options!.Tools!).Name);
                return ScriptedGenerator.CallResult(new ToolCall("call_1", "calculator", """{"expression":"6*7"}"""));
            })
            .Then(request =>
            {
                // The interop passes a string result through as plain text (not a JSON-quoted string).
                Assert.Equal("42", request.Messages[^1].Text);
                return new GenerationResult("6 × 7 = 42.");
            });
        var agent = new ChatClientAgent(
            script.Generator.AsChatClient(),
            instructions: "You are a careful calculator.",
            name: "calc",
            tools: [calculator.Function]);

        var response = await agent.RunAsync("What is 6 times 7?");

        Assert.Equal("6 × 7 = 42.", response.Text);
        Assert.Equal(2, script.Requests.Count);
    }
}
