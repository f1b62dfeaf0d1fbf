package dev.hypercheckout;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every field of a request record has a setter in its builder: fails when the core adds a
 * field the hand-written builder lacks (the builders are thin, but not generated).
 */
class BuilderCompletenessTest {
    private static Set<String> fields(Class<?> record) {
        return Arrays.stream(record.getDeclaredFields())
                .filter(f -> !Modifier.isStatic(f.getModifiers()))
                .map(Field::getName)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> setters(Class<?> builder, Class<?> record) {
        Set<String> fields = fields(record);
        return Arrays.stream(builder.getMethods())
                .filter(m -> m.getReturnType() == builder && m.getParameterCount() == 1)
                .map(Method::getName)
                .filter(fields::contains)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyFieldHasASetter() {
        assertEquals(fields(SessionRequest.class), setters(SessionRequestBuilder.class, SessionRequest.class));
        assertEquals(fields(Mandate.class), setters(MandateBuilder.class, Mandate.class));
        assertEquals(fields(ClientConfig.class), setters(ClientConfigBuilder.class, ClientConfig.class));
        assertEquals(fields(RefundRequest.class), setters(RefundRequestBuilder.class, RefundRequest.class));
        assertEquals(fields(MandateExecution.class), setters(MandateExecutionBuilder.class, MandateExecution.class));
        assertEquals(fields(RequestOptions.class), setters(RequestOptionsBuilder.class, RequestOptions.class));
        // Sanity: the reflection sees the records' fields at all.
        assertEquals(true, fields(SessionRequest.class).contains("customerEmail"));
    }
}
