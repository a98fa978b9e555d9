package com.example.host;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.jms.JmsComponent;

/** The host's own beans: its JMS component, named jms as Camel users expect, on its own broker. */
public class HostConfiguration implements CamelConfiguration {
    @PropertyInject("host.broker.url")
    String brokerUrl;

    @BindToRegistry("jms")
    public JmsComponent jms() {
        return JmsComponent.jmsComponent(new ActiveMQConnectionFactory(brokerUrl));
    }
}
