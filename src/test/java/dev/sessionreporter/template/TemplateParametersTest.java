package dev.sessionreporter.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Every parameter of the shipped route templates says what it is and what it defaults to, here and in the docs. */
class TemplateParametersTest {
    @Test
    @SuppressWarnings("unchecked")
    void everyParameterHasADescriptionADefaultOrIsRequiredAndIsInTheDocs() throws Exception {
        String docs = Files.readString(Path.of("docs/templates.md"));
        List<Object> templates;
        try (InputStream file = getClass().getResourceAsStream("/session-reporter/templates.camel.yaml")) {
            templates = (List<Object>) new Load(LoadSettings.builder().build()).loadFromInputStream(file);
        }
        assertThat(templates).hasSize(2);
        for (Object entry : templates) {
            Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) entry).get("routeTemplate");
            assertThat(docs).contains("`" + template.get("id") + "`");
            for (Map<String, Object> parameter : (List<Map<String, Object>>) template.get("parameters")) {
                String name = (String) parameter.get("name");
                assertThat((String) parameter.get("description")).as(name).isNotBlank();
                assertThat(parameter.containsKey("defaultValue") || Boolean.TRUE.equals(parameter.get("required")))
                        .as(name + " has a default or is required").isTrue();
                assertThat(docs).as(name + " in docs/templates.md").contains("`" + name + "`");
            }
        }
    }
}
